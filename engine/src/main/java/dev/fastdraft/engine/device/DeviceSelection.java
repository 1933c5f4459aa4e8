package dev.fastdraft.engine.device;

import java.util.Locale;

/**
 * A parsed {@code --device} value: {@code cpu}, {@code auto}, {@code opencl:N} or {@code levelzero:N}
 * ({@code opencl} alone means {@code opencl:0}).
 */
public record DeviceSelection(Kind kind, int index) {
    public enum Kind { CPU, AUTO, OPENCL, LEVELZERO }

    public static final DeviceSelection CPU = new DeviceSelection(Kind.CPU, 0);
    public static final DeviceSelection AUTO = new DeviceSelection(Kind.AUTO, 0);

    public DeviceSelection {
        if (kind == null) throw new IllegalArgumentException("device selection: kind is null");
        if (index < 0) throw new IllegalArgumentException("device selection: index must be >= 0, got " + index);
    }

    public static DeviceSelection parse(String text) {
        String usage = "--device must be cpu, auto, opencl:N or levelzero:N (see the 'devices' command), got '" + text + "'";
        if (text == null || text.isBlank()) throw new IllegalArgumentException(usage);
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) return CPU;
        if (t.equals("auto")) return AUTO;
        int colon = t.indexOf(':');
        String backend = colon < 0 ? t : t.substring(0, colon);
        int index = 0;
        if (colon >= 0) {
            try {
                index = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(usage);
            }
            if (index < 0) throw new IllegalArgumentException(usage);
        }
        return switch (backend) {
            case "opencl" -> new DeviceSelection(Kind.OPENCL, index);
            case "levelzero", "ze", "level-zero" -> new DeviceSelection(Kind.LEVELZERO, index);
            default -> throw new IllegalArgumentException(usage);
        };
    }

    /** The canonical text: {@code cpu}, {@code auto}, {@code opencl:0}... */
    public String text() {
        return switch (kind) {
            case CPU -> "cpu";
            case AUTO -> "auto";
            case OPENCL -> "opencl:" + index;
            case LEVELZERO -> "levelzero:" + index;
        };
    }
}
