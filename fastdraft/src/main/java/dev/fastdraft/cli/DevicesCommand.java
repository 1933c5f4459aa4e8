package dev.fastdraft.cli;

import dev.fastdraft.engine.device.BackendReport;
import dev.fastdraft.engine.device.Device;
import dev.fastdraft.engine.device.Devices;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code devices}: every compute device this machine offers (CPU, OpenCL, Level Zero), with name, type,
 * memory and driver version, and for each backend that found none, why. Works unchanged on a machine
 * without any driver: backends that cannot load say so.
 */
public final class DevicesCommand implements Command {
    @Override
    public String name() {
        return "devices";
    }

    @Override
    public String summary() {
        return "list compute devices (CPU, OpenCL, Level Zero) for --device, and why a backend found none";
    }

    @Override
    public List<Option> options() {
        return List.of(Option.flag("--json", "print one JSON object instead of a table"));
    }

    @Override
    public int run(Args args, Console console) {
        List<BackendReport> reports = new Devices(WorkerPool.defaultThreads()).reports();
        if (args.flag("--json")) {
            console.out().println(Json.write(toJson(reports)));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-4s %-44s %10s  %s%n", "DEVICE", "TYPE", "NAME", "MEMORY", "DRIVER"));
        for (BackendReport r : reports) {
            for (Device d : r.devices()) {
                sb.append(String.format("%-12s %-4s %-44s %10s  %s%n", d.id(), d.type().label(), clip(d.name(), 44), memory(d.memoryBytes()), d.driverVersion()));
                if (console.verbose() && !d.details().isEmpty()) sb.append("             ").append(d.details()).append('\n');
            }
        }
        List<BackendReport> empty = reports.stream().filter(r -> !r.available()).toList();
        if (!empty.isEmpty()) {
            sb.append("\nbackends without devices:\n");
            for (BackendReport r : empty) sb.append(String.format("  %-10s %s%n", r.backend(), r.whyNone()));
        }
        sb.append("\nUse --device cpu|auto|opencl:N|levelzero:N (--verbose shows details).\n");
        console.out().print(sb);
        return 0;
    }

    static Map<String, Object> toJson(List<BackendReport> reports) {
        List<Object> devices = new ArrayList<>();
        Map<String, Object> unavailable = new LinkedHashMap<>();
        for (BackendReport r : reports) {
            for (Device d : r.devices()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", d.id());
                m.put("backend", d.backend());
                m.put("index", d.index());
                m.put("name", d.name());
                m.put("type", d.type().label());
                m.put("memory_bytes", d.memoryBytes());
                m.put("driver_version", d.driverVersion());
                m.put("details", d.details());
                devices.add(m);
            }
            if (!r.available()) unavailable.put(r.backend(), r.whyNone());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("devices", devices);
        out.put("unavailable", unavailable);
        return out;
    }

    private static String memory(long bytes) {
        if (bytes <= 0) return "unknown";
        double gib = bytes / (1024.0 * 1024 * 1024);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib) : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }
}
