package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemm.Sgemm;
import dev.fastdraft.kernels.gemv.SkinnyGemm;
import dev.fastdraft.kernels.gemv.WeightType;
import java.lang.foreign.MemorySegment;

/** The CPU SIMD kernels behind the {@link MatmulOps} interface: the fallback every device selection ends at. */
public record CpuKernels(WorkerPool pool) implements MatmulOps {
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                      MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        Sgemm.sgemm(pool, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void matmulTransposed(int rows, int n, int k, MemorySegment x, long xOff, int ldx, DType wt, MemorySegment w, long wByteOff,
                                 MemorySegment y, long yOff, int ldy, boolean accumulate) {
        SkinnyGemm.matmulTransposed(pool, rows, n, k, x, xOff, ldx, WeightType.valueOf(wt.name()), w, wByteOff, y, yOff, ldy, accumulate);
    }
}
