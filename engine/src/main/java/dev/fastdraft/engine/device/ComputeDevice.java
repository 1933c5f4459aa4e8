package dev.fastdraft.engine.device;

import java.lang.foreign.MemorySegment;

/**
 * An opened device that runs {@link MatmulOps}. Operations are synchronous: when one returns, its
 * output is in the caller's memory. Calls are serialised (one queue per device). Closing releases
 * every native object; any call after {@link #close()} throws {@link IllegalStateException}.
 */
public interface ComputeDevice extends MatmulOps, AutoCloseable {
    Device device();

    /**
     * Bytes the host side copied into device-visible memory so far: inputs the device could not use in
     * place, and every output (outputs are written back only after a call succeeded, so a failing call
     * leaves them untouched).
     */
    long bytesCopied();

    /**
     * Zeroed memory that this device and the host both use in place, so tensors stored there are never
     * copied as inputs: Level Zero shared allocations (zeMemAllocShared), page-aligned host memory for
     * OpenCL (wrapped with CL_MEM_USE_HOST_PTR). It lives until the device is closed; access after that
     * throws IllegalStateException, it never reaches freed memory.
     */
    MemorySegment allocateShared(long bytes);

    @Override
    void close();
}
