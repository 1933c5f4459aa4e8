package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The CPU as a {@link ComputeDevice}: runs the given CPU kernels in place, so nothing is ever copied. */
public final class CpuDevice implements ComputeDevice {
    private final Device info;
    private final MatmulOps kernels;
    private final Arena arena = Arena.ofShared();

    public CpuDevice(Device info, MatmulOps kernels) {
        this.info = info;
        this.kernels = kernels;
    }

    @Override
    public Device device() {
        return info;
    }

    @Override
    public long bytesCopied() {
        return 0;
    }

    @Override
    public MemorySegment allocateShared(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("cpu: allocateShared needs a positive size, got " + bytes);
        return arena.allocate(bytes, 64);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                      MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        kernels.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void matmulTransposed(int rows, int n, int k, MemorySegment x, long xOff, int ldx, DType wt, MemorySegment w, long wByteOff,
                                 MemorySegment y, long yOff, int ldy, boolean accumulate) {
        kernels.matmulTransposed(rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy, accumulate);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
