package dev.fastdraft.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool's default size: physical cores of the CPUs this process may use. */
class WorkerPoolCoresTest {
    @Test
    void readsLinuxCpuLists() {
        assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), WorkerPool.cpuList("0-3,8,10-11"));
        assertEquals(List.of(5), WorkerPool.cpuList("5"));
        assertEquals(List.of(), WorkerPool.cpuList(""));
    }

    @Test
    void countsAtMostTheProcessorsTheJvmMayUse() {
        int cores = WorkerPool.physicalCores();
        assertTrue(cores >= 1 && cores <= Runtime.getRuntime().availableProcessors(), "physical cores " + cores);
    }
}
