package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain scalar reference matmuls in double precision, plus the magnitude bound each result is judged
 * against: |device - exact| <= tol * sum_p |a_ip * b_pj|, which does not blow up when terms cancel.
 */
class ScalarMatmul implements MatmulOps {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Set by the last call: per element of the output, the sum of absolute products (row-major m x n). */
    double[] magnitude;
    double[] exact;

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                      MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        MatmulChecks.sgemm("scalar sgemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        magnitude = new double[m * n];
        exact = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = a.getAtIndex(F, aOff + (transA ? (long) p * lda + i : (long) i * lda + p));
                    double bv = b.getAtIndex(F, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j));
                    sum += av * bv;
                    mag += Math.abs(av * bv);
                }
                long at = cOff + (long) i * ldc + j;
                if (accumulate) {
                    double prev = c.getAtIndex(F, at);
                    sum += prev;
                    mag += Math.abs(prev);
                }
                exact[i * n + j] = sum;
                magnitude[i * n + j] = mag;
                c.setAtIndex(F, at, (float) sum);
            }
        }
    }

    @Override
    public void matmulTransposed(int rows, int n, int k, MemorySegment x, long xOff, int ldx, DType wt, MemorySegment w, long wByteOff,
                                 MemorySegment y, long yOff, int ldy, boolean accumulate) {
        MatmulChecks.matmulTransposed("scalar matmulTransposed", rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
        magnitude = new double[rows * n];
        exact = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double xv = x.getAtIndex(F, xOff + (long) r * ldx + p);
                    double wv = weight(wt, w, wByteOff, (long) j * k + p);
                    sum += xv * wv;
                    mag += Math.abs(xv * wv);
                }
                long at = yOff + (long) r * ldy + j;
                if (accumulate) {
                    double prev = y.getAtIndex(F, at);
                    sum += prev;
                    mag += Math.abs(prev);
                }
                exact[r * n + j] = sum;
                magnitude[r * n + j] = mag;
                y.setAtIndex(F, at, (float) sum);
            }
        }
    }

    static double weight(DType wt, MemorySegment w, long byteOff, long index) {
        return switch (wt) {
            case F32 -> w.get(F, byteOff + index * 4);
            case BF16 -> HalfFloats.bf16ToFloat(w.get(ValueLayout.JAVA_SHORT_UNALIGNED, byteOff + index * 2));
            case F16 -> Float.float16ToFloat(w.get(ValueLayout.JAVA_SHORT_UNALIGNED, byteOff + index * 2));
        };
    }

    static void storeWeight(DType wt, MemorySegment w, long byteOff, long index, float v) {
        switch (wt) {
            case F32 -> w.set(F, byteOff + index * 4, v);
            case BF16 -> w.set(ValueLayout.JAVA_SHORT_UNALIGNED, byteOff + index * 2, HalfFloats.floatToBf16(v));
            case F16 -> w.set(ValueLayout.JAVA_SHORT_UNALIGNED, byteOff + index * 2, Float.floatToFloat16(v));
        }
    }
}
