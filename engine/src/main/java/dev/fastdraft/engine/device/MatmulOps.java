package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import java.lang.foreign.MemorySegment;

/**
 * The matmuls worth offloading, with the same shape conventions as the CPU kernels (row-major,
 * leading dimensions in elements) so that a caller can switch between the CPU and a device freely.
 *
 * <p>Offsets: {@code aOff, bOff, cOff, xOff, yOff} count F32 elements; {@code wByteOff} counts bytes
 * (weights may be BF16/F16 inside a mapped file).
 */
public interface MatmulOps {
    /**
     * C[m x n] = op(A) . op(B), plus C when {@code accumulate}. op(A) is A (m x k, stored m rows of lda)
     * or, with {@code transA}, A^T where A is stored k x m; op(B) is B (k x n) or, with {@code transB},
     * B^T where B is stored n x k (the C = A . B^T of a Linear layer).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               MemorySegment a, long aOff, int lda,
               MemorySegment b, long bOff, int ldb,
               MemorySegment c, long cOff, int ldc, boolean accumulate);

    /**
     * Y[rows x n] = X[rows x k] . W^T, plus Y when {@code accumulate}, where W is n x k, row-major and
     * contiguous, stored as {@code wt} (F32, BF16 or F16) from byte {@code wByteOff}. For decoding: rows is small.
     */
    void matmulTransposed(int rows, int n, int k,
                          MemorySegment x, long xOff, int ldx,
                          DType wt, MemorySegment w, long wByteOff,
                          MemorySegment y, long yOff, int ldy, boolean accumulate);
}
