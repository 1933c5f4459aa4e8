package dev.fastdraft.autograd;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.engine.device.MatmulOps;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.convert.HalfFloats;
import dev.fastdraft.kernels.gemm.Sgemm;
import dev.fastdraft.kernels.gemv.PanelGemm;
import dev.fastdraft.kernels.gemv.Panels;
import dev.fastdraft.kernels.gemv.SkinnyGemm;
import dev.fastdraft.kernels.gemv.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * y = x·Wᵀ + b with W stored [out, in] as Hugging Face's nn.Linear.
 *
 * <p>Few rows (decoding, verifying k draft tokens) go through a skinny kernel, which reads each weight
 * once for all rows: {@link PanelGemm} over a panel copy of frozen BF16 or F16 weights where the caller keeps
 * {@link WeightPanels}, else {@link SkinnyGemm} over the weights as stored. Many rows (a prompt, training)
 * go through the packed SGEMM, with BF16/F16 weights widened to f32 a block at a time.
 * Backward: dx = dy·W, dW += dyᵀ·x, db += Σ rows of dy.
 */
public final class Linear {
    /** Up to this many rows the skinny kernel wins: it streams W once and is bound by memory. */
    static final int SKINNY_ROWS = 16;

    private Linear() {}

    public static Var apply(Var x, Var weight, Var bias) {
        return apply(x, weight, bias, null);
    }

    /**
     * As {@link #apply(Var, Var, Var)}, with the forward product on {@code device} (an OpenCL or Level Zero
     * device, or the CPU kernels when null). The backward pass always runs on the CPU kernels.
     */
    public static Var apply(Var x, Var weight, Var bias, MatmulOps device) {
        return apply(x, weight, bias, device, null);
    }

    /**
     * As {@link #apply(Var, Var, Var, MatmulOps)}; on the CPU, products of few rows with an
     * {@link WeightPanels#eligible} weight use (and on first use make) its copy in {@code panels}.
     */
    public static Var apply(Var x, Var weight, Var bias, MatmulOps device, WeightPanels panels) {
        Tensor xt = x.value().contiguousF32();
        Tensor w = weight.value();
        if (xt.rank() != 2 || w.rank() != 2 || xt.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException("linear: input " + xt + " does not match weight " + w + " (expected x [rows, " + (w.rank() == 2 ? w.dim(1) : "?") + "])");
        }
        if (!w.isContiguous()) throw new IllegalArgumentException("linear: weight " + w + " must be contiguous");
        int rows = xt.dim(0), in = xt.dim(1), out = w.dim(0);
        if (bias != null && (bias.value().rank() != 1 || bias.value().dim(0) != out)) {
            throw new IllegalArgumentException("linear: bias " + bias.value() + " does not match " + out + " outputs");
        }
        Tensor y = Tensor.zeros(rows, out);
        if (device != null) forward(xt, w, y, device);
        else if (panels != null && WeightPanels.eligible(weight)) forwardPanels(xt, weight, panels, y);
        else forward(xt, w, y);
        if (bias != null) addBias(y, bias.value().contiguousF32());
        return Tape.output(y, g -> backward(g.contiguousF32(), x, xt, weight, bias), x, weight, bias);
    }

    static void forward(Tensor x, Tensor w, Tensor y) {
        WorkerPool pool = WorkerPool.common();
        int rows = x.dim(0), in = x.dim(1), out = w.dim(0);
        if (w.dtype() == DType.F32 && rows > SKINNY_ROWS) {
            Sgemm.sgemm(pool, false, true, rows, out, in, x.segment(), x.offset(), in, w.segment(), w.offset(), in,
                    y.segment(), y.offset(), out, false);
            return;
        }
        if (widens(rows, in, out)) {
            forwardWidened(pool, x, w, y);
            return;
        }
        WeightType wt = weightType(w.dtype());
        long wByte = w.offset() * w.dtype().byteSize();
        for (int r0 = 0; r0 < rows; r0 += SKINNY_ROWS) {
            int r = Math.min(SKINNY_ROWS, rows - r0);
            SkinnyGemm.matmulTransposed(pool, r, out, in, x.segment(), x.offset() + (long) r0 * in, in,
                    wt, w.segment(), wByte, y.segment(), y.offset() + (long) r0 * out, out, false);
        }
    }

    /** As {@link #forward(Tensor, Tensor, Tensor)}, with products of few rows over the weight's panel copy. */
    private static void forwardPanels(Tensor x, Var weight, WeightPanels cache, Tensor y) {
        if (widens(x.dim(0), x.dim(1), y.dim(1))) {
            forward(x, weight.value(), y);
            return;
        }
        WorkerPool pool = WorkerPool.common();
        Panels panels = cache.of(weight, pool);
        if (panels == null) {
            forward(x, weight.value(), y);
            return;
        }
        PanelGemm.matmulTransposed(pool, x.dim(0), x.segment(), x.offset(), x.dim(1), panels, y.segment(), y.offset(), y.dim(1), false);
    }

    /** Floats of 16-bit weights widened at a time for {@link #forwardWidened}: 8 MiB, which the L3 keeps for the SGEMM. */
    static final int WIDEN_FLOATS = 1 << 21;
    private static final ThreadLocal<float[]> WIDENED = new ThreadLocal<>();

    /**
     * Whether a product with 16-bit weights goes through {@link #forwardWidened}: from 128 rows on. One product,
     * 2 threads, the two paths alternating in one JVM (2026-11-26): 128 rows of 1536 x 512 took 2.1 ms widened
     * against 3.3-3.7 ms in skinny passes, 256 rows 3.6-4.5 against 6.6-6.7, 128 rows of 8192 x 2048
     * 57-71 against 80-83; at 64 rows of 2048 x 2048 the two were even (7.2-10.3 against 8.3-8.8) and at 32
     * rows the skinny passes won (2048 x 2048: 4.5 against 6.2-6.8 ms). A Llama-3.2-1B shape prefilled 256
     * tokens at 47-49 tokens/s against 25-29 before.
     */
    static boolean widens(int rows, int in, int out) {
        return rows >= 128 && in > 0 && out > 0;
    }

    /**
     * Many rows (a prompt) against 16-bit weights: blocks of weight rows are widened to f32 and multiplied
     * by the packed SGEMM. Each skinny pass reads W again for every 16 rows and runs its multiply-adds at
     * a fraction of the SGEMM's speed; here W is read once and widening costs about one pass over it.
     */
    static void forwardWidened(WorkerPool pool, Tensor x, Tensor w, Tensor y) {
        int rows = x.dim(0), in = x.dim(1), out = w.dim(0);
        int block = Math.max(1, Math.min(out, WIDEN_FLOATS / in));
        float[] wide = WIDENED.get();
        if (wide == null || wide.length < block * in) WIDENED.set(wide = new float[block * in]);
        MemorySegment buf = MemorySegment.ofArray(wide);
        int bytes = w.dtype().byteSize();
        boolean bf16 = w.dtype() == DType.BF16;
        for (int j0 = 0; j0 < out; j0 += block) {
            int nb = Math.min(block, out - j0);
            long src = (w.offset() + (long) j0 * in) * bytes;
            pool.parallelRange(nb, 16, (from, to) -> {
                long count = (long) (to - from) * in, at = src + (long) from * in * bytes, dst = (long) from * in * Float.BYTES;
                if (bf16) HalfFloats.bf16ToFloat(w.segment(), at, buf, dst, count);
                else HalfFloats.f16ToFloat(w.segment(), at, buf, dst, count);
            });
            Sgemm.sgemm(pool, false, true, rows, nb, in, x.segment(), x.offset(), in, buf, 0, in,
                    y.segment(), y.offset() + j0, out, false);
        }
    }

    private static void forward(Tensor x, Tensor w, Tensor y, MatmulOps device) {
        int rows = x.dim(0), in = x.dim(1), out = w.dim(0);
        if (w.dtype() == DType.F32 && rows > SKINNY_ROWS) {
            device.sgemm(false, true, rows, out, in, x.segment(), x.offset(), in, w.segment(), w.offset(), in, y.segment(), y.offset(), out, false);
            return;
        }
        long wByte = w.offset() * w.dtype().byteSize();
        for (int r0 = 0; r0 < rows; r0 += SKINNY_ROWS) {
            int r = Math.min(SKINNY_ROWS, rows - r0);
            device.matmulTransposed(r, out, in, x.segment(), x.offset() + (long) r0 * in, in, w.dtype(), w.segment(), wByte,
                    y.segment(), y.offset() + (long) r0 * out, out, false);
        }
    }

    static WeightType weightType(DType d) {
        return switch (d) {
            case F32 -> WeightType.F32;
            case BF16 -> WeightType.BF16;
            case F16 -> WeightType.F16;
        };
    }

    private static void backward(Tensor dy, Var x, Tensor xt, Var weight, Var bias) {
        WorkerPool pool = WorkerPool.common();
        int rows = dy.dim(0), out = dy.dim(1), in = xt.dim(1);
        if (x.requiresGrad()) {
            Tensor w = weight.value().contiguousF32();
            Tensor dx = x.gradBuffer();
            Sgemm.sgemm(pool, false, false, rows, in, out, dy.segment(), dy.offset(), out, w.segment(), w.offset(), in,
                    dx.segment(), dx.offset(), in, true);
        }
        if (weight.requiresGrad()) {
            Tensor dw = weight.gradBuffer();
            Sgemm.sgemm(pool, true, false, out, in, rows, dy.segment(), dy.offset(), out, xt.segment(), xt.offset(), in,
                    dw.segment(), dw.offset(), in, true);
        }
        if (bias != null && bias.requiresGrad()) {
            Tensor db = bias.gradBuffer();
            MemorySegment g = dy.segment(), d = db.segment();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    long e = db.offset() + j;
                    d.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e, d.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e)
                            + g.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, dy.offset() + (long) r * out + j));
                }
            }
        }
    }

    private static void addBias(Tensor y, Tensor b) {
        int rows = y.dim(0), out = y.dim(1);
        MemorySegment ys = y.segment(), bs = b.segment();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                long e = y.offset() + (long) r * out + j;
                ys.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e, ys.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e) + bs.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, b.offset() + j));
            }
        }
    }
}
