package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/** Scalar double-precision RMSNorm and LayerNorm with the conventions of {@link RmsNorm} and {@link LayerNorm}. */
public final class NormReference {
    private NormReference() {}

    public static void rmsForward(int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment w, long wOff, float eps,
                                  MemorySegment y, long yOff, int ldy, MemorySegment rstd, long rstdOff) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (double) Simd.get(x, xo + i) * Simd.get(x, xo + i);
            double inv = 1.0 / Math.sqrt(ss / n + eps);
            if (rstd != null) Simd.set(rstd, rstdOff + r, (float) inv);
            for (int i = 0; i < n; i++) Simd.set(y, yo + i, (float) (Simd.get(w, wOff + i) * (Simd.get(x, xo + i) * inv)));
        }
    }

    /** Recomputes rstd in double from x, so it is independent of what the fast forward saved. */
    public static void rmsBackward(int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment w, long wOff, float eps,
                                   MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx,
                                   MemorySegment dw, long dwOff) {
        double[] dwAcc = new double[n];
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (double) Simd.get(x, xo + i) * Simd.get(x, xo + i);
            double inv = 1.0 / Math.sqrt(ss / n + eps);
            double gx = 0;
            for (int i = 0; i < n; i++) gx += (double) Simd.get(dy, go + i) * Simd.get(w, wOff + i) * Simd.get(x, xo + i) * inv;
            double c = gx / n;
            for (int i = 0; i < n; i++) {
                double xhat = Simd.get(x, xo + i) * inv;
                double g = (double) Simd.get(dy, go + i) * Simd.get(w, wOff + i);
                dwAcc[i] += Simd.get(dy, go + i) * xhat;
                Simd.set(dx, oo + i, (float) (inv * (g - xhat * c)));
            }
        }
        for (int i = 0; i < n; i++) Simd.set(dw, dwOff + i, (float) (Simd.get(dw, dwOff + i) + dwAcc[i]));
    }

    public static void layerForward(int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment w, long wOff,
                                    MemorySegment b, long bOff, float eps, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
            double[] st = stats(x, xo, n, eps);
            for (int i = 0; i < n; i++) {
                double v = (Simd.get(x, xo + i) - st[0]) * st[1];
                if (w != null) v *= Simd.get(w, wOff + i);
                if (b != null) v += Simd.get(b, bOff + i);
                Simd.set(y, yo + i, (float) v);
            }
        }
    }

    public static void layerBackward(int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment w, long wOff, float eps,
                                     MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx,
                                     MemorySegment dw, long dwOff, MemorySegment db, long dbOff) {
        double[] dwAcc = new double[n], dbAcc = new double[n];
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
            double[] st = stats(x, xo, n, eps);
            double sumG = 0, sumGX = 0;
            for (int i = 0; i < n; i++) {
                double g = Simd.get(dy, go + i) * (w == null ? 1.0 : Simd.get(w, wOff + i));
                double xhat = (Simd.get(x, xo + i) - st[0]) * st[1];
                sumG += g;
                sumGX += g * xhat;
                dwAcc[i] += Simd.get(dy, go + i) * xhat;
                dbAcc[i] += Simd.get(dy, go + i);
            }
            for (int i = 0; i < n; i++) {
                double g = Simd.get(dy, go + i) * (w == null ? 1.0 : Simd.get(w, wOff + i));
                double xhat = (Simd.get(x, xo + i) - st[0]) * st[1];
                Simd.set(dx, oo + i, (float) (st[1] * (g - sumG / n - xhat * sumGX / n)));
            }
        }
        for (int i = 0; i < n; i++) {
            if (dw != null) Simd.set(dw, dwOff + i, (float) (Simd.get(dw, dwOff + i) + dwAcc[i]));
            if (db != null) Simd.set(db, dbOff + i, (float) (Simd.get(db, dbOff + i) + dbAcc[i]));
        }
    }

    /** {mean, rstd} of a row, in double. */
    private static double[] stats(MemorySegment x, long xo, int n, float eps) {
        double s = 0;
        for (int i = 0; i < n; i++) s += Simd.get(x, xo + i);
        double mu = s / n, v = 0;
        for (int i = 0; i < n; i++) v += (Simd.get(x, xo + i) - mu) * (Simd.get(x, xo + i) - mu);
        return new double[] {mu, 1.0 / Math.sqrt(v / n + eps)};
    }
}
