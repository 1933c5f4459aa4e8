package dev.fastdraft.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsed {@code --name value} options of one command, with typed getters that explain bad values. */
public final class Args {
    private final String command;
    private final Map<String, List<String>> values;

    private Args(String command, Map<String, List<String>> values) {
        this.command = command;
        this.values = values;
    }

    public static Args parse(String command, List<Option> options, String[] argv) {
        Map<String, Option> byName = new HashMap<>();
        for (Option o : options) byName.put(o.name(), o);
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            String inline = null;
            if (a.startsWith("--") && a.contains("=")) {
                inline = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            Option o = byName.get(a);
            if (o == null) {
                throw new UserError((a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'")
                        + " for '" + command + "'; run '" + command + " --help' for its options");
            }
            List<String> list = values.computeIfAbsent(o.name(), k -> new ArrayList<>());
            if (!o.repeatable() && !list.isEmpty()) throw new UserError("option " + a + " given twice for '" + command + "'");
            if (!o.takesValue()) {
                if (inline != null) throw new UserError("option " + a + " of '" + command + "' takes no value");
                list.add("true");
            } else if (inline != null) {
                list.add(inline);
            } else {
                if (i + 1 >= argv.length) throw new UserError("option " + a + " of '" + command + "' needs a value: " + o.valueName());
                list.add(argv[++i]);
                // repeatable options swallow further plain values: --input a b c
                while (o.repeatable() && i + 1 < argv.length && !argv[i + 1].startsWith("--")) list.add(argv[++i]);
            }
        }
        return new Args(command, values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        return has(name);
    }

    public String string(String name) {
        List<String> l = values.get(name);
        if (l == null) throw new UserError("'" + command + "' needs " + name + "; run '" + command + " --help'");
        return l.get(0);
    }

    public String string(String name, String fallback) {
        return has(name) ? string(name) : fallback;
    }

    public List<String> strings(String name) {
        return values.getOrDefault(name, List.of());
    }

    public Path path(String name) {
        return Path.of(string(name));
    }

    public int integer(String name) {
        String v = string(name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UserError(name + " must be an integer, got '" + v + "'");
        }
    }

    public int integer(String name, int fallback) {
        return has(name) ? integer(name) : fallback;
    }

    /** A whole number in the long range; suffixes k, m, g multiply (1.5k = 1500). */
    public long longValue(String name, long fallback) {
        if (!has(name)) return fallback;
        String v = string(name).trim().toLowerCase();
        long mult = 1;
        if (v.endsWith("k")) { mult = 1_000; v = v.substring(0, v.length() - 1); }
        else if (v.endsWith("m")) { mult = 1_000_000; v = v.substring(0, v.length() - 1); }
        else if (v.endsWith("g")) { mult = 1_000_000_000; v = v.substring(0, v.length() - 1); }
        try {
            // exact arithmetic: a double would round 1.5 to 2 and clamp 1e23 to Long.MAX_VALUE without a word
            return new BigDecimal(v).multiply(BigDecimal.valueOf(mult)).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserError(name + " must be an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                    + " (suffixes k, m, g allowed), got '" + string(name) + "'");
        }
    }

    public double number(String name) {
        String v = string(name);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UserError(name + " must be a number, got '" + v + "'");
        }
    }

    public double number(String name, double fallback) {
        return has(name) ? number(name) : fallback;
    }

    /** A comma-separated list of integers, e.g. {@code --ids 1,2,3}. */
    public int[] intList(String name) {
        String v = string(name);
        String[] parts = v.split(",");
        if (parts.length == 0) throw new UserError(name + " is an empty list; give comma-separated integers such as 1,2,3");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError(name + " must be comma-separated integers, got '" + parts[i].trim() + "' at position " + (i + 1));
            }
        }
        return out;
    }
}
