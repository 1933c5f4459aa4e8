package dev.fastdraft.kernels.ops;

import dev.fastdraft.kernels.Lanes;
import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
        if (n <= 0 && rows > 0) throw OpChecks.fail("rmsNorm", "row length must be positive, got " + n);
        RowParallel.run(pool, rows, n, 2, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                float variance = (float) (VectorOps.dotRow(x, xo, x, xo, n) / n);
                float inv = (float) (1.0 / Math.sqrt(variance + eps));
                if (rstd != null) Simd.set(rstd, rstdOff + r, inv);
                scaleRow(x, xo, w, wOff, y, yo, n, inv);
            }
        });
    }

    /** y = (x * s) * w. */
    private static void scaleRow(MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment y, long yo, int n, float s) {
        FloatVector vs = FloatVector.broadcast(S, s);
        float[] xa = Simd.floats(x), wa = Simd.floats(w), ya = Simd.floats(y);
        int i = 0, up = S.loopBound(n);
        if (xa != null && wa != null && ya != null) {
            int xi = Simd.index(x, xo), wi = Simd.index(w, wo), yi = Simd.index(y, yo);
            for (; i < up; i += L) FloatVector.fromArray(S, xa, xi + i).mul(vs).mul(FloatVector.fromArray(S, wa, wi + i)).intoArray(ya, yi + i);
        } else {
            for (; i < up; i += L) fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).mul(vs).mul(fromMemorySegment(S, w, (wo + i) * 4L, NATIVE)).intoMemorySegment(y, (yo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(y, yo + i, Simd.get(x, xo + i) * s * Simd.get(w, wo + i));
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
                // mean(g * xhat) = rstd * sum(dy * w * x) / n
                double gx = productSum(dy, go, w, wOff, x, xo, n);
                backwardRow(x, xo, w, wOff, dy, go, dx, oo, n, inv, (float) (gx * inv / n));
            }
        });
    }

    /** sum of a*b*c, float lanes in blocks, block totals in double. */
    static double productSum(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, int n) {
        double total = 0;
        int i = 0, bound = S.loopBound(n);
        while (i < bound) {
            int end = Math.min(bound, i + VectorOps.BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) acc = fromMemorySegment(S, a, (ao + i) * 4L, NATIVE).mul(fromMemorySegment(S, b, (bo + i) * 4L, NATIVE)).fma(fromMemorySegment(S, c, (co + i) * 4L, NATIVE), acc);
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) total += Simd.get(a, ao + i) * Simd.get(b, bo + i) * Simd.get(c, co + i);
        return total;
    }

    /** dx = (g - xhat * c) * rstd with g = dy * w, xhat = x * rstd. */
    private static void backwardRow(MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment dy, long go,
                                    MemorySegment dx, long oo, int n, float inv, float c) {
        FloatVector vs = FloatVector.broadcast(S, inv), vc = FloatVector.broadcast(S, c);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector xhat = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).mul(vs);
            FloatVector g = fromMemorySegment(S, dy, (go + i) * 4L, NATIVE).mul(fromMemorySegment(S, w, (wo + i) * 4L, NATIVE));
            g.sub(xhat.mul(vc)).mul(vs).intoMemorySegment(dx, (oo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) {
            float xhat = Simd.get(x, xo + i) * inv, g = Simd.get(dy, go + i) * Simd.get(w, wo + i);
            Simd.set(dx, oo + i, (g - xhat * c) * inv);
        }
    }
}
