package dev.fastdraft.bench;

import dev.fastdraft.cli.bench.MemoryBandwidth;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.convert.HalfFloats;
import dev.fastdraft.kernels.gemv.Panels;
import dev.fastdraft.kernels.gemv.PanelGemm;
import dev.fastdraft.kernels.gemv.SkinnyGemm;
import dev.fastdraft.kernels.gemv.WeightType;
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
 * Skinny GEMM (decode and draft verification) next to the memory bandwidth probe, in one JMH run:
 * {@code matmul} over the weights as stored, {@code panels} over their panel copies (bf16 and f16, what
 * generation uses). Weight GB/s = weight bytes / time per call; compare it with the {@code probeRead} score
 * turned into GB/s (256 MiB per operation). The first calls run in the interpreter and take seconds (vector
 * code is only fast once C2 has compiled it), hence the long warm-up. Example:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SkinnyGemmBench \
 *      -p rows=1,4,8 -p dtype=bf16 -p shape=4096x4096,8192x2048,16384x4096
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SkinnyGemmBench {
    /** Weights rotate over this many bytes at least, so each call reads from memory, not from a 32 MiB L3. */
    private static final long COLD_BYTES = 128L << 20;

    @Param({"1", "4", "8"})
    public int rows;

    @Param({"bf16"})
    public String dtype;

    @Param({"4096x4096", "8192x2048", "16384x4096"})
    public String shape;

    @Param({"0"})
    public int threads;

    private WorkerPool pool;
    private Arena arena;
    private MemoryBandwidth probe;
    private MemorySegment[] weights;
    private Panels[] panels;
    private MemorySegment x;
    private MemorySegment y;
    private WeightType wt;
    private int n;
    private int k;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        String[] nk = shape.split("x");
        n = Integer.parseInt(nk[0]);
        k = Integer.parseInt(nk[1]);
        wt = WeightType.parse(dtype);
        pool = new WorkerPool(threads > 0 ? threads : WorkerPool.defaultThreads());
        arena = Arena.ofShared();
        probe = MemoryBandwidth.standard();
        long bytes = n * wt.rowBytes(k);
        weights = new MemorySegment[(int) Math.max(1, (COLD_BYTES + bytes - 1) / bytes)];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int c = 0; c < weights.length; c++) {
            weights[c] = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes / wt.elementBytes(); i++) {
                float v = (float) rnd.nextDouble(-0.1, 0.1);
                switch (wt) {
                    case F32 -> weights[c].set(HalfFloats.FLOAT_LE, 4 * i, v);
                    case BF16 -> weights[c].set(HalfFloats.SHORT_LE, 2 * i, HalfFloats.floatToBf16(v));
                    case F16 -> weights[c].set(HalfFloats.SHORT_LE, 2 * i, HalfFloats.floatToF16(v));
                }
            }
        }
        if (Panels.supports(wt)) {
            panels = new Panels[weights.length];
            for (int c = 0; c < weights.length; c++) panels[c] = Panels.pack(pool, wt, weights[c], 0, n, k, arena);
        }
        x = arena.allocate((long) rows * k * Float.BYTES, 64);
        for (long i = 0; i < (long) rows * k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
        y = arena.allocate((long) rows * n * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        probe.close();
        arena.close();
        pool.close();
    }

    /** One skinny GEMM over the next weight copy. */
    @Benchmark
    public MemorySegment matmul() {
        MemorySegment w = weights[next];
        next = (next + 1) % weights.length;
        SkinnyGemm.matmulTransposed(pool, rows, n, k, x, 0, k, wt, w, 0, y, 0, n, false);
        return y;
    }

    /** The same product over the next panel copy (bf16 and f16; f32 has none and fails the trial). */
    @Benchmark
    public MemorySegment panels() {
        if (panels == null) throw new IllegalStateException("panels: only bf16 and f16 weights have panel copies; run with -p dtype=bf16 or f16");
        Panels w = panels[next];
        next = (next + 1) % panels.length;
        PanelGemm.matmulTransposed(pool, rows, x, 0, k, w, y, 0, n, false);
        return y;
    }

    /** The peer: one read pass over the probe's 256 MiB buffer; returns its GB/s. */
    @Benchmark
    public double probeRead() {
        return probe.read(pool);
    }
}
