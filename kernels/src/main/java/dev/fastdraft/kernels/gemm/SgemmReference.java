package dev.fastdraft.kernels.gemm;

/**
 * The plain triple loop that defines what {@link Sgemm} computes, for tests: every entry of C is the
 * dot product of a row of op(A) and a column of op(B), accumulated in double and rounded to float
 * once, then added to the old C (also in double) when accumulating. Same arguments as the array
 * form of {@link Sgemm#sgemm}, without the argument checks.
 */
public final class SgemmReference {
    private SgemmReference() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float y = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) x * y;
                }
                int at = cOff + i * ldc + j;
                c[at] = (float) (accumulate ? c[at] + sum : sum);
            }
        }
    }
}
