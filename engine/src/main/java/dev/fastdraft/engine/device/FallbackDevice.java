package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * What {@code --device auto} hands out: a device that, the first time it fails mid-run, says so in one
 * line, closes the device and reruns that operation (and all later ones) on the CPU. Device operations
 * write their outputs only after success, so the rerun starts from untouched outputs.
 */
public final class FallbackDevice implements ComputeDevice {
    private final ComputeDevice primary;
    private final CpuDevice cpu;
    private final Consumer<String> notices;
    private boolean failedOver;

    public FallbackDevice(ComputeDevice primary, CpuDevice cpu, Consumer<String> notices) {
        this.primary = primary;
        this.cpu = cpu;
        this.notices = notices;
    }

    private synchronized ComputeDevice current() {
        return failedOver ? cpu : primary;
    }

    private synchronized void failOver(DeviceException e) {
        if (failedOver) return;
        failedOver = true;
        notices.accept("notice: " + e.getMessage().lines().findFirst().orElse("device failure") + "; continuing on the cpu");
        try {
            primary.close();
        } catch (RuntimeException ignored) {
            // the device already failed; its release errors add nothing the notice did not say
        }
    }

    public synchronized boolean failedOver() {
        return failedOver;
    }

    @Override
    public Device device() {
        return current().device();
    }

    @Override
    public long bytesCopied() {
        return primary.bytesCopied();
    }

    /** Shared memory comes from the CPU side: it must outlive a failover. */
    @Override
    public MemorySegment allocateShared(long bytes) {
        return cpu.allocateShared(bytes);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                      MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        ComputeDevice d = current();
        if (d != cpu) {
            try {
                d.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                return;
            } catch (DeviceException e) {
                failOver(e);
            }
        }
        cpu.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void matmulTransposed(int rows, int n, int k, MemorySegment x, long xOff, int ldx, DType wt, MemorySegment w, long wByteOff,
                                 MemorySegment y, long yOff, int ldy, boolean accumulate) {
        ComputeDevice d = current();
        if (d != cpu) {
            try {
                d.matmulTransposed(rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy, accumulate);
                return;
            } catch (DeviceException e) {
                failOver(e);
            }
        }
        cpu.matmulTransposed(rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy, accumulate);
    }

    @Override
    public void close() {
        try {
            if (!failedOver()) primary.close();
        } finally {
            cpu.close();
        }
    }
}
