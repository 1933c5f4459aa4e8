package dev.fastdraft.bench;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.Activations;
import dev.fastdraft.kernels.ops.ActivationsReference;
import dev.fastdraft.kernels.ops.CrossEntropy;
import dev.fastdraft.kernels.ops.CrossEntropyReference;
import dev.fastdraft.kernels.ops.NormReference;
import dev.fastdraft.kernels.ops.RmsNorm;
import dev.fastdraft.kernels.ops.Rope;
import dev.fastdraft.kernels.ops.RopeReference;
import dev.fastdraft.kernels.ops.RopeTable;
import dev.fastdraft.kernels.ops.Softmax;
import dev.fastdraft.kernels.ops.SoftmaxReference;
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
 * Row-wise kernels of a decoder layer, each next to its peers in the same run: the scalar
 * reference (ratio = speedup of the SIMD kernel) and a kernel-free peer moving the same bytes
 * ({@link #addPeer} for swiglu, {@link #copyLogits} for cross-entropy): what memory bandwidth alone allows. Shapes: one token (rows = 1, decode) and a
 * 256-token batch (prefill / training), hidden 2048, MLP 8192, vocab 32000.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar OpsBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpsBench {
    static final int HIDDEN = 2048, MLP = 8192, VOCAB = 32000, HEADS = 32, HEAD_DIM = 64;

    @Param({"1", "256"})
    public int rows;

    WorkerPool pool;
    MemorySegment x, y, w, rstd, dw, gate, up, act, dUp, logits, logitsWork, scratch, q;
    int[] targets, positions;
    RopeTable table;

    @Setup(Level.Trial)
    public void setup() {
        pool = WorkerPool.common();
        Random rnd = new Random(7);
        Arena arena = Arena.ofAuto();
        x = random(arena, (long) rows * HIDDEN, rnd, 2);
        y = random(arena, (long) rows * HIDDEN, rnd, 2);
        w = random(arena, HIDDEN, rnd, 1);
        rstd = random(arena, rows, rnd, 1);
        gate = random(arena, (long) rows * MLP, rnd, 4);
        up = random(arena, (long) rows * MLP, rnd, 2);
        act = random(arena, (long) rows * MLP, rnd, 1);
        dUp = random(arena, (long) rows * MLP, rnd, 1);
        dw = random(arena, HIDDEN, rnd, 1);
        int ceRows = Math.min(rows, 64);
        logits = random(arena, (long) ceRows * VOCAB, rnd, 8);
        logitsWork = arena.allocate((long) ceRows * VOCAB * Float.BYTES, 64);
        scratch = arena.allocate((long) rows * MLP * Float.BYTES, 64);
        q = random(arena, (long) rows * HEADS * HEAD_DIM, rnd, 1);
        targets = new int[ceRows];
        for (int i = 0; i < ceRows; i++) targets[i] = rnd.nextInt(VOCAB);
        positions = new int[rows];
        for (int i = 0; i < rows; i++) positions[i] = 100 + i;
        table = RopeTable.fromInvFreq(RopeTable.defaultInvFreq(HEAD_DIM, 500000), 4096, 1f);
    }

    static MemorySegment random(Arena arena, long n, Random rnd, float scale) {
        MemorySegment s = arena.allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (rnd.nextFloat() * 2 - 1) * scale);
        return s;
    }

    // ---- RMSNorm [rows x 2048] ----

    @Benchmark
    public MemorySegment rmsNorm() {
        RmsNorm.forward(pool, rows, HIDDEN, x, 0, HIDDEN, w, 0, 1e-5f, y, 0, HIDDEN, rstd, 0);
        return y;
    }

    @Benchmark
    public MemorySegment rmsNormReference() {
        NormReference.rmsForward(rows, HIDDEN, x, 0, HIDDEN, w, 0, 1e-5f, y, 0, HIDDEN, rstd, 0);
        return y;
    }

    @Benchmark
    public MemorySegment rmsNormBackward() {
        RmsNorm.backward(pool, rows, HIDDEN, x, 0, HIDDEN, w, 0, rstd, 0, y, 0, HIDDEN, act, 0, HIDDEN, dw, 0);
        return act;
    }

    // ---- SwiGLU and GELU [rows x 8192] ----

    @Benchmark
    public MemorySegment swiglu() {
        Activations.swiglu(pool, rows, MLP, gate, 0, MLP, up, 0, MLP, act, 0, MLP);
        return act;
    }

    @Benchmark
    public MemorySegment swigluReference() {
        ActivationsReference.swiglu(rows, MLP, gate, 0, MLP, up, 0, MLP, act, 0, MLP);
        return act;
    }

    @Benchmark
    public MemorySegment swigluBackward() {
        Activations.swigluBackward(pool, rows, MLP, gate, 0, MLP, up, 0, MLP, act, 0, MLP, scratch, 0, MLP, dUp, 0, MLP);
        return scratch;
    }

    @Benchmark
    public MemorySegment geluErf() {
        Activations.gelu(pool, rows, MLP, gate, 0, MLP, act, 0, MLP);
        return act;
    }

    @Benchmark
    public MemorySegment geluErfReference() {
        ActivationsReference.forward(ActivationsReference.Kind.GELU_ERF, rows, MLP, gate, 0, MLP, act, 0, MLP);
        return act;
    }

    /** Bandwidth peer for swiglu: reads two [rows x 8192] inputs and writes one, like it, with no math. */
    @Benchmark
    public MemorySegment addPeer() {
        VectorOps.add(pool, rows, MLP, gate, 0, MLP, up, 0, MLP, act, 0, MLP);
        return act;
    }

    // ---- softmax over a 32000-entry row (sampling) ----

    @Benchmark
    public MemorySegment softmaxVocab() {
        int r = Math.min(rows, 64);
        Softmax.forward(pool, r, VOCAB, logits, 0, VOCAB, logitsWork, 0, VOCAB);
        return logitsWork;
    }

    @Benchmark
    public MemorySegment softmaxVocabReference() {
        int r = Math.min(rows, 64);
        SoftmaxReference.forward(r, VOCAB, logits, 0, VOCAB, logitsWork, 0, VOCAB);
        return logitsWork;
    }

    // ---- fused cross-entropy, min(rows, 64) x 32000 (the copy restores the logits each call, measured alone in copyLogits) ----

    @Benchmark
    public double crossEntropy() {
        int r = Math.min(rows, 64);
        MemorySegment.copy(logits, 0, logitsWork, 0, (long) r * VOCAB * 4);
        return CrossEntropy.forwardBackward(pool, r, VOCAB, logitsWork, 0, VOCAB, targets, 0, 1f / r).sum();
    }

    @Benchmark
    public double crossEntropyReference() {
        int r = Math.min(rows, 64);
        MemorySegment.copy(logits, 0, logitsWork, 0, (long) r * VOCAB * 4);
        return CrossEntropyReference.run(r, VOCAB, logitsWork, 0, VOCAB, targets, 0, 1f / r, logitsWork, 0, VOCAB)[0];
    }

    @Benchmark
    public MemorySegment copyLogits() {
        int r = Math.min(rows, 64);
        MemorySegment.copy(logits, 0, logitsWork, 0, (long) r * VOCAB * 4);
        return logitsWork;
    }

    // ---- RoPE on [rows x 32*64] ----

    @Benchmark
    public MemorySegment rope() {
        Rope.forward(pool, rows, HEADS, HEAD_DIM, HEAD_DIM, q, 0, HEADS * HEAD_DIM, positions, 0, table);
        return q;
    }

    @Benchmark
    public MemorySegment ropeReference() {
        RopeReference.apply(rows, HEADS, HEAD_DIM, HEAD_DIM, q, 0, HEADS * HEAD_DIM, positions, table, false);
        return q;
    }
}
