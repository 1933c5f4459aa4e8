package dev.fastdraft.engine.device;

/**
 * One device a backend found. {@code index} is its position in that backend's list, the N of
 * {@code --device backend:N}; {@code memoryBytes} is 0 where the driver does not say;
 * {@code details} is free text (platform, compute units, how programs are loaded, extensions that matter).
 */
public record Device(String backend, int index, String name, DeviceType type, long memoryBytes, String driverVersion, String details) {
    public Device {
        if (backend == null || backend.isBlank()) throw new IllegalArgumentException("Device: backend must be named");
        if (index < 0) throw new IllegalArgumentException("Device: index must be >= 0, got " + index);
        name = name == null || name.isBlank() ? "(unnamed)" : name.trim();
        driverVersion = driverVersion == null || driverVersion.isBlank() ? "unknown" : driverVersion.trim();
        details = details == null ? "" : details.trim();
    }

    /** The selection string that picks this device, e.g. {@code opencl:0}. */
    public String id() {
        return backend + ":" + index;
    }

    /** {@code opencl:0 (pthread-haswell)}: how errors name a device. */
    public String label() {
        return id() + " (" + name + ")";
    }
}
