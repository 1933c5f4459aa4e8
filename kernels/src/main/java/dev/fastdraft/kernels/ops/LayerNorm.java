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
 * LayerNorm as torch.nn.LayerNorm over the last dimension: y = (x - mean) * rstd * w + b with the
 * biased variance and rstd = 1/sqrt(var + eps). Mean and variance are two passes (the second over
 * x - mean), each accumulated as in {@link VectorOps#sum}, so rows with a large common offset keep
 * their precision. Weight and bias may each be null (no affine part).
 */
public final class LayerNorm {
    private LayerNorm() {}

    /**
     * Normalises each row of x into y (y may be x). {@code mean} and {@code rstd}, when not null,
     * receive each row's statistics for {@link #backward}.
     */
    public static void forward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                               MemorySegment w, long wOff, MemorySegment b, long bOff, float eps,
                               MemorySegment y, long yOff, int ldy,
                               MemorySegment mean, long meanOff, MemorySegment rstd, long rstdOff) {
        OpChecks.rows("layerNorm", "x", x, xOff, rows, n, ldx);
        if (w != null) OpChecks.vector("layerNorm", "weight", w, wOff, n);
        if (b != null) OpChecks.vector("layerNorm", "bias", b, bOff, n);
        OpChecks.rows("layerNorm", "y", y, yOff, rows, n, ldy);
        if (mean != null) OpChecks.vector("layerNorm", "mean", mean, meanOff, rows);
        if (rstd != null) OpChecks.vector("layerNorm", "rstd", rstd, rstdOff, rows);
        if (n <= 0 && rows > 0) throw OpChecks.fail("layerNorm", "row length must be positive, got " + n);
        // Without weight or bias, a row of ones or zeros stands in (allocated per call; Llama-family
        // models use RMSNorm, and LayerNorm without affine part is rare): one loop, no branches in it.
        MemorySegment wv = w != null ? w : ones(n), bv = b != null ? b : MemorySegment.ofArray(new float[n]);
        long wo = w != null ? wOff : 0, bo = b != null ? bOff : 0;
        RowParallel.run(pool, rows, n, 3, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                float mu = (float) (VectorOps.sumRow(x, xo, n) / n);
                float inv = (float) (1.0 / Math.sqrt((float) (centredSquares(x, xo, n, mu) / n) + eps));
                if (mean != null) Simd.set(mean, meanOff + r, mu);
                if (rstd != null) Simd.set(rstd, rstdOff + r, inv);
                affineRow(x, xo, wv, wo, bv, bo, y, yo, n, mu, inv);
            }
        });
    }

    /** y = (x - mu) * inv * w + b. */
    private static void affineRow(MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment b, long bo,
                                  MemorySegment y, long yo, int n, float mu, float inv) {
        FloatVector vm = FloatVector.broadcast(S, mu), vs = FloatVector.broadcast(S, inv);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).sub(vm).mul(vs).mul(fromMemorySegment(S, w, (wo + i) * 4L, NATIVE)).add(fromMemorySegment(S, b, (bo + i) * 4L, NATIVE)).intoMemorySegment(y, (yo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(y, yo + i, (Simd.get(x, xo + i) - mu) * inv * Simd.get(w, wo + i) + Simd.get(b, bo + i));
    }

    private static MemorySegment ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return MemorySegment.ofArray(a);
    }

    /**
     * Backward from dy: writes dx (dx may be dy, not x) and ADDS the column sums of dy * xhat into
     * dw and of dy into db (each may be null to skip). With xhat = (x - mean) * rstd and g = dy * w:
     * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
     */
    public static void backward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                MemorySegment w, long wOff, MemorySegment mean, long meanOff, MemorySegment rstd, long rstdOff,
                                MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx,
                                MemorySegment dw, long dwOff, MemorySegment db, long dbOff) {
        OpChecks.rows("layerNormBackward", "x", x, xOff, rows, n, ldx);
        if (w != null) OpChecks.vector("layerNormBackward", "weight", w, wOff, n);
        OpChecks.vector("layerNormBackward", "mean", mean, meanOff, rows);
        OpChecks.vector("layerNormBackward", "rstd", rstd, rstdOff, rows);
        OpChecks.rows("layerNormBackward", "dy", dy, dyOff, rows, n, lddy);
        OpChecks.rows("layerNormBackward", "dx", dx, dxOff, rows, n, lddx);
        if (dw != null) OpChecks.vector("layerNormBackward", "dw", dw, dwOff, n);
        if (db != null) OpChecks.vector("layerNormBackward", "db", db, dbOff, n);
        if (dw != null) ColumnSums.addWeightedProducts(pool, rows, n, dy, dyOff, lddy, x, xOff, ldx, rstd, rstdOff, mean, meanOff, dw, dwOff);
        if (db != null) ColumnSums.addWeightedProducts(pool, rows, n, dy, dyOff, lddy, null, 0, 0, null, 0, null, 0, db, dbOff);
        MemorySegment wv = w != null ? w : ones(n);
        long wo = w != null ? wOff : 0;
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
                float mu = Simd.get(mean, meanOff + r), inv = Simd.get(rstd, rstdOff + r);
                double sumG = VectorOps.dotRow(dy, go, wv, wo, n);
                double sumGX = centredProductSum(dy, go, wv, wo, x, xo, n, mu) * inv;
                backwardRow(x, xo, wv, wo, dy, go, dx, oo, n, mu, inv, (float) (sumG / n), (float) (sumGX / n));
            }
        });
    }

    /** sum of a*b*(c - mu), blocked like {@link VectorOps#sumRow}. */
    private static double centredProductSum(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, int n, float mu) {
        FloatVector vm = FloatVector.broadcast(S, mu);
        double total = 0;
        int i = 0, bound = S.loopBound(n);
        while (i < bound) {
            int end = Math.min(bound, i + VectorOps.BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) acc = fromMemorySegment(S, a, (ao + i) * 4L, NATIVE).mul(fromMemorySegment(S, b, (bo + i) * 4L, NATIVE)).fma(fromMemorySegment(S, c, (co + i) * 4L, NATIVE).sub(vm), acc);
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) total += Simd.get(a, ao + i) * Simd.get(b, bo + i) * (Simd.get(c, co + i) - mu);
        return total;
    }

    /** dx = (g - cg - xhat * cx) * inv with g = dy * w, xhat = (x - mu) * inv. */
    private static void backwardRow(MemorySegment x, long xo, MemorySegment w, long wo, MemorySegment dy, long go,
                                    MemorySegment dx, long oo, int n, float mu, float inv, float cg, float cx) {
        FloatVector vm = FloatVector.broadcast(S, mu), vs = FloatVector.broadcast(S, inv);
        FloatVector vg = FloatVector.broadcast(S, cg), vx = FloatVector.broadcast(S, cx);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector g = fromMemorySegment(S, dy, (go + i) * 4L, NATIVE).mul(fromMemorySegment(S, w, (wo + i) * 4L, NATIVE));
            FloatVector xhat = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).sub(vm).mul(vs);
            g.sub(vg).sub(xhat.mul(vx)).mul(vs).intoMemorySegment(dx, (oo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) {
            float g = Simd.get(dy, go + i) * Simd.get(w, wo + i), xhat = (Simd.get(x, xo + i) - mu) * inv;
            Simd.set(dx, oo + i, (g - cg - xhat * cx) * inv);
        }
    }

    /** Sum of (x - mu)^2, blocked like {@link VectorOps#sumRow}. */
    private static double centredSquares(MemorySegment x, long xo, int n, float mu) {
        FloatVector vm = FloatVector.broadcast(S, mu);
        double total = 0;
        int i = 0, bound = S.loopBound(n);
        while (i < bound) {
            int end = Math.min(bound, i + VectorOps.BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector d = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).sub(vm);
                acc = d.fma(d, acc);
            }
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) {
            float d = Simd.get(x, xo + i) - mu;
            total += d * d;
        }
        return total;
    }
}
