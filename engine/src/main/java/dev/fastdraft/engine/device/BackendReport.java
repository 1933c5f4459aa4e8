package dev.fastdraft.engine.device;

import java.util.List;

/**
 * What one backend found: its devices, or why there are none (library missing, no driver, zeInit failed
 * with code X...). {@code whyNone} is null exactly when devices were found.
 */
public record BackendReport(String backend, List<Device> devices, String whyNone) {
    public BackendReport {
        devices = List.copyOf(devices);
        if (devices.isEmpty() && (whyNone == null || whyNone.isBlank()))
            throw new IllegalArgumentException("BackendReport: backend " + backend + " found no device and must say why");
        if (!devices.isEmpty()) whyNone = null;
    }

    public static BackendReport found(String backend, List<Device> devices) {
        return new BackendReport(backend, devices, null);
    }

    public static BackendReport none(String backend, String why) {
        return new BackendReport(backend, List.of(), why);
    }

    public boolean available() {
        return !devices.isEmpty();
    }
}
