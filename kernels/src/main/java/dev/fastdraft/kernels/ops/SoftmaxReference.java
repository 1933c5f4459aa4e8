package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/** Scalar double-precision softmax family, with the same conventions as {@link Softmax}. */
public final class SoftmaxReference {
    private SoftmaxReference() {}

    public static void forward(int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, Simd.get(x, xo + i));
            if (max == Double.NEGATIVE_INFINITY) {
                for (int i = 0; i < n; i++) Simd.set(y, yo + i, 0f);
                continue;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(Simd.get(x, xo + i) - max);
            for (int i = 0; i < n; i++) Simd.set(y, yo + i, (float) (Math.exp(Simd.get(x, xo + i) - max) / sum));
        }
    }

    public static void logForward(int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, Simd.get(x, xo + i));
            if (max == Double.NEGATIVE_INFINITY) {
                for (int i = 0; i < n; i++) Simd.set(y, yo + i, Float.NEGATIVE_INFINITY);
                continue;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(Simd.get(x, xo + i) - max);
            double lse = max + Math.log(sum);
            for (int i = 0; i < n; i++) Simd.set(y, yo + i, (float) (Simd.get(x, xo + i) - lse));
        }
    }

    public static void backward(int rows, int n, MemorySegment y, long yOff, int ldy, MemorySegment dy, long dyOff, int lddy,
                                MemorySegment dx, long dxOff, int lddx) {
        for (int r = 0; r < rows; r++) {
            long yo = yOff + (long) r * ldy, go = dyOff + (long) r * lddy, xo = dxOff + (long) r * lddx;
            double dot = 0;
            for (int i = 0; i < n; i++) dot += (double) Simd.get(y, yo + i) * Simd.get(dy, go + i);
            for (int i = 0; i < n; i++) Simd.set(dx, xo + i, (float) (Simd.get(y, yo + i) * (Simd.get(dy, go + i) - dot)));
        }
    }

    public static void logBackward(int rows, int n, MemorySegment logY, long yOff, int ldy, MemorySegment dy, long dyOff, int lddy,
                                   MemorySegment dx, long dxOff, int lddx) {
        for (int r = 0; r < rows; r++) {
            long yo = yOff + (long) r * ldy, go = dyOff + (long) r * lddy, xo = dxOff + (long) r * lddx;
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Simd.get(dy, go + i);
            for (int i = 0; i < n; i++) {
                Simd.set(dx, xo + i, (float) (Simd.get(dy, go + i) - Math.exp(Simd.get(logY, yo + i)) * sum));
            }
        }
    }
}
