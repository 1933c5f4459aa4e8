package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WeightPanelsTest {
    /**
     * One thread holds the pool with a task that will look a weight up; another meets the same weight first and
     * must pack it on the pool. When the lookup held the map's lock while packing, each waited for the other.
     */
    @Test
    void aLookupFromInsideThePoolDoesNotWaitForAPackingThatWaitsForThePool() throws Exception {
        WorkerPool pool = new WorkerPool(2);
        try {
            float[] values = new float[128 * 4096]; // large enough that packing splits into tasks on the pool
            for (int i = 0; i < values.length; i++) values[i] = (i % 13) / 13f;
            Var weight = Var.constant(Tensor.of(values, 128, 4096).to(DType.BF16, java.lang.foreign.Arena.ofAuto()));
            assertTrue(WeightPanels.eligible(weight));
            WeightPanels panels = new WeightPanels();
            CountDownLatch inside = new CountDownLatch(1), go = new CountDownLatch(1);
            Thread holder = new Thread(() -> pool.parallelFor(2, t -> { // two tasks: one alone would run inline, without the pool
                inside.countDown();
                await(go);
                assertNotNull(panels.of(weight, pool));
            }));
            holder.setDaemon(true); // should they deadlock, they must not keep the test JVM alive
            holder.start();
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            Thread first = new Thread(() -> assertNotNull(panels.of(weight, pool)));
            first.setDaemon(true);
            first.start();
            Thread.sleep(200); // let it reach the pool, which the holder has
            go.countDown();
            holder.join(10_000);
            first.join(10_000);
            assertFalse(holder.isAlive() || first.isAlive(), "deadlocked");
            assertEquals(1, panels.size());
        } finally {
            pool.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
