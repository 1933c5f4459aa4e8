package dev.fastdraft.bench;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.attention.AttentionConfig;
import dev.fastdraft.kernels.attention.AttentionReference;
import dev.fastdraft.kernels.attention.FlashAttention;
import dev.fastdraft.kernels.ops.VectorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flash attention on a Llama-3.2-1B-shaped layer (32 query heads, 8 KV heads, headDim 64) with
 * peers in the same run:
 * <ul>
 *   <li>decode (one query against a cache of {@code context} positions) vs {@link #decodeKvStream},
 *       a read-only pass over the same K and V bytes (memory bandwidth bounds decode);</li>
 *   <li>prefill and backward over {@code context} positions vs the naive double reference
 *       ({@link #prefillReference}), and as GFLOP/s from the reported time (causal forward:
 *       about 2 * T^2 * headDim * heads flops, i.e. T^2/2 pairs of two dot products).</li>
 * </ul>
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar AttentionBench -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBench {
    static final int HEADS = 32, KV_HEADS = 8, HEAD_DIM = 64;

    @Param({"512", "2048"})
    public int context;

    WorkerPool pool;
    AttentionConfig cfg = AttentionConfig.of(HEADS, KV_HEADS, HEAD_DIM);
    int qw = HEADS * HEAD_DIM, kw = KV_HEADS * HEAD_DIM;
    MemorySegment q, k, v, out, lse, dOut, dq, dk, dv;
    double[] qd, kd, vd, outd, lsed;

    @Setup(Level.Trial)
    public void setup() {
        pool = WorkerPool.common();
        Random rnd = new Random(3);
        Arena arena = Arena.ofAuto();
        q = random(arena, (long) context * qw, rnd);
        k = random(arena, (long) context * kw, rnd);
        v = random(arena, (long) context * kw, rnd);
        out = random(arena, (long) context * qw, rnd);
        dOut = random(arena, (long) context * qw, rnd);
        dq = random(arena, (long) context * qw, rnd);
        dk = random(arena, (long) context * kw, rnd);
        dv = random(arena, (long) context * kw, rnd);
        lse = random(arena, (long) HEADS * context, rnd);
        FlashAttention.forward(pool, cfg, context, 0, q, 0, qw, k, 0, kw, v, 0, kw, out, 0, qw, lse, 0);
        int refT = context;
        qd = toDouble(q, (long) refT * qw);
        kd = toDouble(k, (long) refT * kw);
        vd = toDouble(v, (long) refT * kw);
        outd = new double[refT * qw];
        lsed = new double[HEADS * refT];
    }

    static MemorySegment random(Arena arena, long n, Random rnd) {
        MemorySegment s = arena.allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 2 - 1);
        return s;
    }

    static double[] toDouble(MemorySegment s, long n) {
        double[] d = new double[(int) n];
        for (int i = 0; i < n; i++) d[i] = s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        return d;
    }

    /** One new token at position context-1 attending the whole cache, all heads, pooled. */
    @Benchmark
    public MemorySegment decode() {
        int pos0 = context - 1;
        FlashAttention.forward(pool, cfg, 1, pos0, q, (long) pos0 * qw, qw, k, 0, kw, v, 0, kw, out, 0, qw, null, 0);
        return out;
    }

    /** The same decode on the calling thread only. */
    @Benchmark
    public MemorySegment decodeSingleThread() {
        int pos0 = context - 1;
        FlashAttention.forward(null, cfg, 1, pos0, q, (long) pos0 * qw, qw, k, 0, kw, v, 0, kw, out, 0, qw, null, 0);
        return out;
    }

    /** Reads all of K and V once (single thread): the bandwidth floor of a single-thread decode. */
    @Benchmark
    public double decodeKvStream() {
        long n = (long) context * kw;
        double s = 0;
        for (long off = 0; off < n; off += 1 << 20) {
            int len = (int) Math.min(1 << 20, n - off);
            s += VectorOps.sum(len, k, off) + VectorOps.sum(len, v, off);
        }
        return s;
    }

    /** Causal self-attention over context positions, pooled. */
    @Benchmark
    public MemorySegment prefill() {
        int t = context;
        FlashAttention.forward(pool, cfg, t, 0, q, 0, qw, k, 0, kw, v, 0, kw, out, 0, qw, lse, 0);
        return out;
    }

    /** Same shape on the calling thread, for the speedup over the reference. */
    @Benchmark
    public MemorySegment prefillSingleThread() {
        int t = context;
        FlashAttention.forward(null, cfg, t, 0, q, 0, qw, k, 0, kw, v, 0, kw, out, 0, qw, lse, 0);
        return out;
    }

    /** Naive double-precision reference (single thread); slow, so run it with -p context=512. */
    @Benchmark
    public double[] prefillReference() {
        int t = context;
        AttentionReference.forward(cfg, t, 0, qd, kd, vd, outd, lsed);
        return outd;
    }

    /** Backward over context positions, pooled (dk, dv accumulate; values drift, timing does not). */
    @Benchmark
    public MemorySegment backward() {
        int t = context;
        FlashAttention.backward(pool, cfg, t, 0, q, 0, qw, k, 0, kw, v, 0, kw, out, 0, qw, dOut, 0, qw, lse, 0,
                dq, 0, qw, dk, 0, kw, dv, 0, kw);
        return dq;
    }
}
