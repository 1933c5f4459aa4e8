package dev.fastdraft.bench;

import dev.fastdraft.cli.bench.OpenBlas;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemm.Sgemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square SGEMM {@code C[N x N] = A . B} on native memory: FastDraft's {@link Sgemm} and, on the same
 * inputs, OpenBLAS through FFM ({@code openblas} fails its setup when no OpenBLAS is found).
 * GFLOPS = 2 N^3 / (ms/op * 1e6). Run:
 * {@code java -jar bench/target/benchmarks.jar SgemmBench -p N=1024 -p threads=1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBench {
    @Param({"512", "1024", "2048", "4096"})
    public int N;

    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private WorkerPool pool;
    private MemorySegment a, b, c;
    private OpenBlas openBlas;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        long bytes = (long) N * N * Float.BYTES;
        a = random(arena.allocate(bytes, 64), 1);
        b = random(arena.allocate(bytes, 64), 2);
        c = arena.allocate(bytes, 64);
        pool = new WorkerPool(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment fastdraft() {
        Sgemm.sgemm(pool, false, false, N, N, N, a, 0, N, b, 0, N, c, 0, N, false);
        return c;
    }

    @Benchmark
    public MemorySegment openblas() {
        if (openBlas == null) {
            openBlas = OpenBlas.find().orElseThrow(() -> new IllegalStateException(
                    "no OpenBLAS found; set FASTDRAFT_OPENBLAS=/path/to/libopenblas.so"));
            openBlas.setThreads(threads);
        }
        openBlas.sgemm(false, false, N, N, N, 1f, a, N, b, N, 0f, c, N);
        return c;
    }

    private static MemorySegment random(MemorySegment s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < s.byteSize() / Float.BYTES; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }
}
