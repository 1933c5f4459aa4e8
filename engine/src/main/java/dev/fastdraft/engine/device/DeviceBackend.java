package dev.fastdraft.engine.device;

/**
 * One way of reaching devices (OpenCL, Level Zero...). Probing never throws and never crashes the JVM
 * on a machine without the library or driver: it reports why nothing was found instead.
 */
public interface DeviceBackend {
    /** The selection prefix: {@code opencl}, {@code levelzero}. */
    String name();

    BackendReport probe();

    /** Opens device {@code index} of {@link #probe()}'s list; throws {@link DeviceException} naming the device and call. */
    ComputeDevice open(int index);
}
