package dev.fastdraft.engine.device;

/**
 * An opened device that runs {@link MatmulOps}. Operations are synchronous: when one returns, its
 * output is in the caller's memory. Calls are serialised (one queue per device). Closing releases
 * every native object; any call after {@link #close()} throws {@link IllegalStateException}.
 */
public interface ComputeDevice extends MatmulOps, AutoCloseable {
    Device device();

    /** Bytes the host side copied in or out so far, because the device could not use the memory in place. */
    long bytesCopied();

    @Override
    void close();
}
