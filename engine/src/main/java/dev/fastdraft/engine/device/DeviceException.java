package dev.fastdraft.engine.device;

/**
 * A device or driver call failed: the message names the device and the call (and carries the build log
 * for a kernel build failure). The operation that threw wrote nothing to its output.
 */
public final class DeviceException extends RuntimeException {
    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
