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
 *   <li>decode (one query against a cache of {@code context} positions) vs {@link #kvStream}, one
 *       read-only pass over the same K and V bytes (what memory bandwidth alone allows);</li>
 *   <li>prefill over 256 positions vs the naive double-precision reference
 *       ({@link #prefillReference}, materialised scores), and as GFLOP/s from the reported time:
 *       a causal pass does T(T+1)/2 query-key pairs x 2 dot products of headDim x 2 flops x heads.</li>
 * </ul>
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar AttentionBench -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBench {
    static final int HEADS = 32, KV_HEADS = 8, HEAD_DIM = 64, PREFILL = 256;
    static final AttentionConfig CFG = AttentionConfig.of(HEADS, KV_HEADS, HEAD_DIM);
    static final int QW = HEADS * HEAD_DIM, KW = KV_HEADS * HEAD_DIM;

    /** A KV cache of {@code context} positions and buffers for one layer. */
    @State(Scope.Thread)
    public static class Layer {
        @Param({"512", "4096"})
        public int context;

        WorkerPool pool;
        MemorySegment q, k, v, out, lse, dOut, dq, dk, dv;

        @Setup(Level.Trial)
        public void setup() {
            pool = WorkerPool.common();
            Random rnd = new Random(3);
            Arena arena = Arena.ofAuto();
            q = random(arena, (long) context * QW, rnd);
            k = random(arena, (long) context * KW, rnd);
            v = random(arena, (long) context * KW, rnd);
            out = random(arena, (long) context * QW, rnd);
            dOut = random(arena, (long) PREFILL * QW, rnd);
            dq = random(arena, (long) PREFILL * QW, rnd);
            dk = random(arena, (long) PREFILL * KW, rnd);
            dv = random(arena, (long) PREFILL * KW, rnd);
            lse = random(arena, (long) HEADS * PREFILL, rnd);
            FlashAttention.forward(pool, CFG, PREFILL, 0, q, 0, QW, k, 0, KW, v, 0, KW, out, 0, QW, lse, 0);
        }
    }

    /** The naive reference's inputs (doubles), 256 positions. */
    @State(Scope.Thread)
    public static class Reference {
        double[] q, k, v, out, lse;

        @Setup(Level.Trial)
        public void setup() {
            Random rnd = new Random(3);
            q = new double[PREFILL * QW];
            k = new double[PREFILL * KW];
            v = new double[PREFILL * KW];
            for (int i = 0; i < q.length; i++) q[i] = rnd.nextFloat() * 2 - 1;
            for (int i = 0; i < k.length; i++) k[i] = rnd.nextFloat() * 2 - 1;
            for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat() * 2 - 1;
            out = new double[PREFILL * QW];
            lse = new double[HEADS * PREFILL];
        }
    }

    static MemorySegment random(Arena arena, long n, Random rnd) {
        MemorySegment s = arena.allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 2 - 1);
        return s;
    }

    /** One new token at position context-1 attending the whole cache, all heads, pooled. */
    @Benchmark
    public MemorySegment decode(Layer s) {
        int pos0 = s.context - 1;
        FlashAttention.forward(s.pool, CFG, 1, pos0, s.q, (long) pos0 * QW, QW, s.k, 0, KW, s.v, 0, KW, s.out, 0, QW, null, 0);
        return s.out;
    }

    /** The same decode on the calling thread only. */
    @Benchmark
    public MemorySegment decodeSingleThread(Layer s) {
        int pos0 = s.context - 1;
        FlashAttention.forward(null, CFG, 1, pos0, s.q, (long) pos0 * QW, QW, s.k, 0, KW, s.v, 0, KW, s.out, 0, QW, null, 0);
        return s.out;
    }

    /** Reads all of K and V once on one thread: the bandwidth floor for a single-thread decode. */
    @Benchmark
    public double kvStream(Layer s) {
        long n = (long) s.context * KW;
        return VectorOps.sum((int) n, s.k, 0) + VectorOps.sum((int) n, s.v, 0);
    }

    /** Causal self-attention over 256 positions, pooled. */
    @Benchmark
    public MemorySegment prefill(Layer s) {
        FlashAttention.forward(s.pool, CFG, PREFILL, 0, s.q, 0, QW, s.k, 0, KW, s.v, 0, KW, s.out, 0, QW, s.lse, 0);
        return s.out;
    }

    /** Same on the calling thread. */
    @Benchmark
    public MemorySegment prefillSingleThread(Layer s) {
        FlashAttention.forward(null, CFG, PREFILL, 0, s.q, 0, QW, s.k, 0, KW, s.v, 0, KW, s.out, 0, QW, s.lse, 0);
        return s.out;
    }

    /** The naive double-precision reference over 256 positions (single thread). */
    @Benchmark
    public double[] prefillReference(Reference r) {
        AttentionReference.forward(CFG, PREFILL, 0, r.q, r.k, r.v, r.out, r.lse);
        return r.out;
    }

    /** Backward over 256 positions, pooled (dk and dv accumulate across calls; timing does not care). */
    @Benchmark
    public MemorySegment backward(Layer s) {
        FlashAttention.backward(s.pool, CFG, PREFILL, 0, s.q, 0, QW, s.k, 0, KW, s.v, 0, KW, s.out, 0, QW, s.dOut, 0, QW, s.lse, 0,
                s.dq, 0, QW, s.dk, 0, KW, s.dv, 0, KW);
        return s.dq;
    }
}
