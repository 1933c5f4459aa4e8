package dev.fastdraft.engine.device;

/** What kind of processor a device is; NPU covers Level Zero's VPU type (Intel's AI Boost NPU). */
public enum DeviceType {
    GPU, NPU, CPU, ACCELERATOR, OTHER;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
