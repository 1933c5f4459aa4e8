package dev.fastdraft.engine.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The CPU as a {@link Device} record: model name and memory from /proc, where there is one. */
public final class HostCpu {
    private HostCpu() {}

    public static final String BACKEND = "cpu";

    public static Device describe(int threads) {
        String name = System.getProperty("os.arch");
        long memory = Runtime.getRuntime().maxMemory();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    name = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    List<String> parts = List.of(line.trim().split("\\s+"));
                    memory = Long.parseLong(parts.get(1)) * 1024;
                    break;
                }
            }
        } catch (Exception ignored) {
            // not Linux: keep the JVM's view
        }
        return new Device(BACKEND, 0, name, DeviceType.CPU, memory, "JDK " + Runtime.version(),
                threads + " worker threads, " + Runtime.getRuntime().availableProcessors() + " logical processors, Vector API kernels");
    }
}
