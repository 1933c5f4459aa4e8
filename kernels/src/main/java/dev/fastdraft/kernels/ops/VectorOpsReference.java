package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/** Plain scalar versions of {@link VectorOps}, the ground truth in tests; reductions accumulate in double. */
public final class VectorOpsReference {
    private VectorOpsReference() {}

    public static void add(int rows, int n, MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                           MemorySegment out, long outOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                Simd.set(out, outOff + (long) r * ldo + i, Simd.get(a, aOff + (long) r * lda + i) + Simd.get(b, bOff + (long) r * ldb + i));
            }
        }
    }

    public static void mul(int rows, int n, MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                           MemorySegment out, long outOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                Simd.set(out, outOff + (long) r * ldo + i, Simd.get(a, aOff + (long) r * lda + i) * Simd.get(b, bOff + (long) r * ldb + i));
            }
        }
    }

    public static void scale(int rows, int n, float alpha, MemorySegment x, long xOff, int ldx, MemorySegment out, long outOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) Simd.set(out, outOff + (long) r * ldo + i, alpha * Simd.get(x, xOff + (long) r * ldx + i));
        }
    }

    public static void axpy(int rows, int n, float alpha, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                long yi = yOff + (long) r * ldy + i;
                Simd.set(y, yi, Math.fma(alpha, Simd.get(x, xOff + (long) r * ldx + i), Simd.get(y, yi)));
            }
        }
    }

    public static void copy(int rows, int n, MemorySegment src, long srcOff, int lds, MemorySegment dst, long dstOff, int ldd) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) Simd.set(dst, dstOff + (long) r * ldd + i, Simd.get(src, srcOff + (long) r * lds + i));
        }
    }

    public static double sum(int n, MemorySegment x, long off) {
        double s = 0;
        for (int i = 0; i < n; i++) s += Simd.get(x, off + i);
        return s;
    }

    public static float max(int n, MemorySegment x, long off) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, Simd.get(x, off + i));
        return m;
    }

    public static double dot(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) Simd.get(x, xOff + i) * Simd.get(y, yOff + i);
        return s;
    }

    public static double sumSquares(int n, MemorySegment x, long off) {
        return dot(n, x, off, x, off);
    }
}
