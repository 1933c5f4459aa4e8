package dev.fastdraft.autograd;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.engine.device.MatmulOps;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemm.Sgemm;
import dev.fastdraft.kernels.gemv.SkinnyGemm;
import dev.fastdraft.kernels.gemv.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * y = x·Wᵀ + b with W stored [out, in] as Hugging Face's nn.Linear.
 *
 * <p>Few rows (decoding, verifying k draft tokens) go through the skinny kernel, which reads each weight
 * once for all rows and accepts BF16/F16 weights as stored; many rows with F32 weights go through the
 * packed SGEMM. Backward: dx = dy·W, dW += dyᵀ·x, db += Σ rows of dy.
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
        if (device == null) forward(xt, w, y);
        else forward(xt, w, y, device);
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
        WeightType wt = weightType(w.dtype());
        long wByte = w.offset() * w.dtype().byteSize();
        for (int r0 = 0; r0 < rows; r0 += SKINNY_ROWS) {
            int r = Math.min(SKINNY_ROWS, rows - r0);
            SkinnyGemm.matmulTransposed(pool, r, out, in, x.segment(), x.offset() + (long) r0 * in, in,
                    wt, w.segment(), wByte, y.segment(), y.offset() + (long) r0 * out, out, false);
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
