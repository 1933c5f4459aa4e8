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
        OpChecks.require(n > 0 || rows == 0, "layerNorm", "row length must be positive, got " + n);
        RowParallel.run(pool, rows, n, 3, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                float mu = (float) (VectorOps.sumRow(x, xo, n) / n);
                float inv = (float) (1.0 / Math.sqrt((float) (centredSquares(x, xo, n, mu) / n) + eps));
                if (mean != null) Simd.set(mean, meanOff + r, mu);
                if (rstd != null) Simd.set(rstd, rstdOff + r, inv);
                FloatVector vm = FloatVector.broadcast(Simd.S, mu), vs = FloatVector.broadcast(Simd.S, inv);
                int i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    FloatVector v = load(x, xo + i).sub(vm).mul(vs);
                    if (w != null) v = v.mul(load(w, wOff + i));
                    if (b != null) v = v.add(load(b, bOff + i));
                    store(v, y, yo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector v = load(x, xo + i, m).sub(vm).mul(vs);
                    if (w != null) v = v.mul(load(w, wOff + i, m));
                    if (b != null) v = v.add(load(b, bOff + i, m));
                    store(v, y, yo + i, m);
                }
            }
        });
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
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
                float mu = Simd.get(mean, meanOff + r), inv = Simd.get(rstd, rstdOff + r);
                FloatVector vm = FloatVector.broadcast(Simd.S, mu), vs = FloatVector.broadcast(Simd.S, inv);
                double sumG = 0, sumGX = 0;
                FloatVector ag = FloatVector.zero(Simd.S), agx = ag;
                int i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    FloatVector g = w == null ? load(dy, go + i) : load(dy, go + i).mul(load(w, wOff + i));
                    ag = ag.add(g);
                    agx = g.fma(load(x, xo + i).sub(vm).mul(vs), agx);
                    if ((i & (VectorOps.BLOCK - 1)) == VectorOps.BLOCK - L) {
                        sumG += Simd.sumLanes(ag);
                        sumGX += Simd.sumLanes(agx);
                        ag = FloatVector.zero(Simd.S);
                        agx = ag;
                    }
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector g = w == null ? load(dy, go + i, m) : load(dy, go + i, m).mul(load(w, wOff + i, m));
                    ag = ag.add(g);
                    agx = g.fma(load(x, xo + i, m).sub(vm).mul(vs), agx);
                }
                sumG += Simd.sumLanes(ag);
                sumGX += Simd.sumLanes(agx);
                FloatVector cg = FloatVector.broadcast(Simd.S, (float) (sumG / n));
                FloatVector cx = FloatVector.broadcast(Simd.S, (float) (sumGX / n));
                i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    FloatVector g = w == null ? load(dy, go + i) : load(dy, go + i).mul(load(w, wOff + i));
                    FloatVector xhat = load(x, xo + i).sub(vm).mul(vs);
                    store(g.sub(cg).sub(xhat.mul(cx)).mul(vs), dx, oo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector g = w == null ? load(dy, go + i, m) : load(dy, go + i, m).mul(load(w, wOff + i, m));
                    FloatVector xhat = load(x, xo + i, m).sub(vm).mul(vs);
                    store(g.sub(cg).sub(xhat.mul(cx)).mul(vs), dx, oo + i, m);
                }
            }
        });
    }

    /** Sum of (x - mu)^2, blocked like {@link VectorOps#sumRow}. */
    private static double centredSquares(MemorySegment x, long xo, int n, float mu) {
        FloatVector vm = FloatVector.broadcast(Simd.S, mu);
        double total = 0;
        int i = 0;
        while (i < n) {
            int end = Math.min(n, i + VectorOps.BLOCK);
            FloatVector a0 = FloatVector.zero(Simd.S), a1 = a0;
            for (; i + 2 * L <= end; i += 2 * L) {
                FloatVector d0 = load(x, xo + i).sub(vm), d1 = load(x, xo + i + L).sub(vm);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
            }
            for (; i + L <= end; i += L) {
                FloatVector d = load(x, xo + i).sub(vm);
                a0 = d.fma(d, a0);
            }
            if (i < end) {
                VectorMask<Float> m = tail(i, end);
                FloatVector d = load(x, xo + i, m).sub(vm, m); // masked lanes stay 0, not -mu
                a1 = d.fma(d, a1);
                i = end;
            }
            total += Simd.sumLanes(a0.add(a1));
        }
        return total;
    }
}
