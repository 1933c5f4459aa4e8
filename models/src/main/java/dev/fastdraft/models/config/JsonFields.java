package dev.fastdraft.models.config;

import dev.fastdraft.models.io.Json;
import java.util.List;
import java.util.Map;

/** Typed reads from a parsed JSON object, with errors that name the source and the field. */
final class JsonFields {
    private final String source;
    private final String prefix;
    private final Map<String, Object> map;

    JsonFields(String source, String prefix, Map<String, Object> map) {
        this.source = source;
        this.prefix = prefix;
        this.map = map;
    }

    /** True when the key is present, even with a null value. */
    boolean present(String key) {
        return map.containsKey(key);
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    boolean isEmpty() {
        return map.isEmpty();
    }

    /** The fields of a nested object, named {@code key.field} in errors. */
    JsonFields child(String key, Map<String, Object> child) {
        return new JsonFields(source, prefix + key + ".", child);
    }

    /** This object's name in errors: "rope_scaling" for its fields "rope_scaling.*". */
    String objectName() {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    IllegalArgumentException error(String message) {
        return new IllegalArgumentException(source + ": " + message);
    }

    private String name(String key) {
        return prefix + key;
    }

    int requireInt(String key) {
        if (!has(key)) throw error("missing required field '" + name(key) + "'");
        return toInt(key, map.get(key));
    }

    int optInt(String key, int fallback) {
        return has(key) ? toInt(key, map.get(key)) : fallback;
    }

    Integer optInteger(String key) {
        return has(key) ? toInt(key, map.get(key)) : null;
    }

    private int toInt(String key, Object v) {
        long l;
        if (v instanceof Long x) l = x;
        else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) l = d.longValue();
        else throw error("field '" + name(key) + "' must be an integer, got " + describe(v));
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) throw error("field '" + name(key) + "' value " + l + " is out of range");
        return (int) l;
    }

    double requireDouble(String key) {
        if (!has(key)) throw error("missing required field '" + name(key) + "'");
        return toDouble(key, map.get(key));
    }

    double optDouble(String key, double fallback) {
        return has(key) ? toDouble(key, map.get(key)) : fallback;
    }

    Double optDoubleOrNull(String key) {
        return has(key) ? toDouble(key, map.get(key)) : null;
    }

    double toDouble(String key, Object v) {
        if (v instanceof Number n) return n.doubleValue();
        throw error("field '" + name(key) + "' must be a number, got " + describe(v));
    }

    boolean optBool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        if (map.get(key) instanceof Boolean b) return b;
        throw error("field '" + name(key) + "' must be true or false, got " + describe(map.get(key)));
    }

    Boolean optBoolean(String key) {
        return has(key) ? optBool(key, false) : null;
    }

    String optString(String key) {
        if (!has(key)) return null;
        if (map.get(key) instanceof String s) return s;
        throw error("field '" + name(key) + "' must be a string, got " + describe(map.get(key)));
    }

    /** An int or a list of ints (as {@code eos_token_id} may be); empty when absent. */
    int[] intOrList(String key) {
        Object v = map.get(key);
        if (v == null) return new int[0];
        if (v instanceof List<?> l) {
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) out[i] = toInt(key + "[" + i + "]", l.get(i));
            return out;
        }
        return new int[] {toInt(key, v)};
    }

    double[] requireNumberList(String key) {
        if (!(map.get(key) instanceof List<?> l)) {
            throw error(has(key) ? "field '" + name(key) + "' must be a list of numbers, got " + describe(map.get(key))
                    : "missing required field '" + name(key) + "'");
        }
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = toDouble(key + "[" + i + "]", l.get(i));
        return out;
    }

    private static String describe(Object v) {
        return v instanceof String s ? "'" + s + "'" : Json.typeName(v) + (v instanceof Number ? " " + v : "");
    }
}
