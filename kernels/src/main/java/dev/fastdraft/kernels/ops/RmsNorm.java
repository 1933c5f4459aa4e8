package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.load;
import static dev.fastdraft.kernels.ops.Simd.store;
import static dev.fastdraft.kernels.ops.Simd.tail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * RMSNorm as Hugging Face's LlamaRMSNorm (also Mistral, Qwen2, Phi-3): per row,
 * {@code rstd = 1 / sqrt(mean(x^2) + eps)} and {@code y = w * (x * rstd)}, all in float32 and
 * multiplied in that order. The mean of squares is accumulated as in {@link VectorOps#sumSquares}.
 */
public final class RmsNorm {
    private RmsNorm() {}

    /**
     * Normalises each row of x into y (y may be x). If {@code rstd} is not null, writes each row's
     * 1/sqrt(mean(x^2)+eps) to {@code rstd[rstdOff + row]} for {@link #backward}.
     */
    public static void forward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                               MemorySegment w, long wOff, float eps,
                               MemorySegment y, long yOff, int ldy, MemorySegment rstd, long rstdOff) {
        OpChecks.rows("rmsNorm", "x", x, xOff, rows, n, ldx);
        OpChecks.vector("rmsNorm", "weight", w, wOff, n);
        OpChecks.rows("rmsNorm", "y", y, yOff, rows, n, ldy);
        if (rstd != null) OpChecks.vector("rmsNorm", "rstd", rstd, rstdOff, rows);
        OpChecks.require(n > 0 || rows == 0, "rmsNorm", "row length must be positive, got " + n);
        RowParallel.run(pool, rows, n, 2, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                float variance = (float) (VectorOps.dotRow(x, xo, x, xo, n) / n);
                float inv = (float) (1.0 / Math.sqrt(variance + eps));
                if (rstd != null) Simd.set(rstd, rstdOff + r, inv);
                FloatVector s = FloatVector.broadcast(Simd.S, inv);
                int i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    store(load(x, xo + i).mul(s).mul(load(w, wOff + i)), y, yo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    store(load(x, xo + i, m).mul(s).mul(load(w, wOff + i, m)), y, yo + i, m);
                }
            }
        });
    }

    /**
     * Backward from dy: writes dx (dx may be dy, not x) and ADDS each column's sum over rows of
     * dy * x * rstd into dw. {@code rstd} is what {@link #forward} saved for the same x.
     *
     * <p>With xhat = x * rstd and g = dy * w: dx = rstd * (g - xhat * mean(g * xhat)).
     * dw is reduced over rows by column blocks (each task owns whole columns, so no races and
     * a result independent of the thread count); it runs before dx is written in case dx is dy.
     */
    public static void backward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                MemorySegment w, long wOff, MemorySegment rstd, long rstdOff,
                                MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx,
                                MemorySegment dw, long dwOff) {
        OpChecks.rows("rmsNormBackward", "x", x, xOff, rows, n, ldx);
        OpChecks.vector("rmsNormBackward", "weight", w, wOff, n);
        OpChecks.vector("rmsNormBackward", "rstd", rstd, rstdOff, rows);
        OpChecks.rows("rmsNormBackward", "dy", dy, dyOff, rows, n, lddy);
        OpChecks.rows("rmsNormBackward", "dx", dx, dxOff, rows, n, lddx);
        OpChecks.vector("rmsNormBackward", "dw", dw, dwOff, n);
        ColumnSums.addWeightedProducts(pool, rows, n, dy, dyOff, lddy, x, xOff, ldx, rstd, rstdOff, null, 0, dw, dwOff);
        RowParallel.run(pool, rows, n, 3, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
                float inv = Simd.get(rstd, rstdOff + r);
                FloatVector s = FloatVector.broadcast(Simd.S, inv);
                // sum(g * xhat) = rstd * sum(dy * w * x)
                double gx = 0;
                FloatVector acc = FloatVector.zero(Simd.S);
                int i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    acc = load(dy, go + i).mul(load(w, wOff + i)).fma(load(x, xo + i), acc);
                    if ((i & (VectorOps.BLOCK - 1)) == VectorOps.BLOCK - L) {
                        gx += Simd.sumLanes(acc);
                        acc = FloatVector.zero(Simd.S);
                    }
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    acc = load(dy, go + i, m).mul(load(w, wOff + i, m)).fma(load(x, xo + i, m), acc);
                }
                gx += Simd.sumLanes(acc);
                FloatVector c = FloatVector.broadcast(Simd.S, (float) (gx * inv / n));
                i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    FloatVector xhat = load(x, xo + i).mul(s);
                    FloatVector g = load(dy, go + i).mul(load(w, wOff + i));
                    store(g.sub(xhat.mul(c)).mul(s), dx, oo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector xhat = load(x, xo + i, m).mul(s);
                    FloatVector g = load(dy, go + i, m).mul(load(w, wOff + i, m));
                    store(g.sub(xhat.mul(c)).mul(s), dx, oo + i, m);
                }
            }
        });
    }
}
