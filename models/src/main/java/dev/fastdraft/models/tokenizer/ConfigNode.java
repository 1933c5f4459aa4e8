package dev.fastdraft.models.tokenizer;

import dev.fastdraft.models.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One JSON object of a tokenizer file together with where it sits ({@code file} and a dotted {@code path}),
 * so that every typed getter can say exactly which field is missing or of the wrong type.
 */
record ConfigNode(String file, String path, Map<String, Object> map) {

    TokenizerFormatException error(String key, String what) {
        return new TokenizerFormatException(file + ": " + child(key) + ": " + what);
    }

    TokenizerFormatException error(String what) {
        return new TokenizerFormatException(file + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + what);
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    Object raw(String key) {
        return map.get(key);
    }

    String string(String key) {
        Object v = map.get(key);
        if (v == null) throw error(key, map.containsKey(key) ? "must be a string, found null" : "missing (a string is required)");
        if (!(v instanceof String s)) throw error(key, "must be a string, found " + Json.typeName(v));
        return s;
    }

    /** The string, or null when the field is absent or JSON null. */
    String optString(String key) {
        return has(key) ? string(key) : null;
    }

    boolean bool(String key, boolean fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw error(key, "must be true or false, found " + Json.typeName(v));
        return b;
    }

    /** An explicit boolean, or null when absent. */
    Boolean optBool(String key) {
        return has(key) ? bool(key, false) : null;
    }

    long integer(String key) {
        Object v = map.get(key);
        if (v == null) throw error(key, "missing (an integer is required)");
        if (!(v instanceof Long l)) throw error(key, "must be an integer, found " + Json.typeName(v) + " " + v);
        return l;
    }

    long integer(String key, long fallback) {
        return has(key) ? integer(key) : fallback;
    }

    double number(String key, double fallback) {
        Object v = map.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Number n)) throw error(key, "must be a number, found " + Json.typeName(v));
        return n.doubleValue();
    }

    ConfigNode object(String key) {
        Object v = map.get(key);
        if (v == null) throw error(key, "missing (an object is required)");
        return asNode(v, child(key));
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String key) {
        Object v = map.get(key);
        if (v == null) throw error(key, "missing (an array is required)");
        if (!(v instanceof List<?> l)) throw error(key, "must be an array, found " + Json.typeName(v));
        return (List<Object>) l;
    }

    List<ConfigNode> objects(String key) {
        List<Object> l = list(key);
        List<ConfigNode> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) out.add(asNode(l.get(i), child(key) + "[" + i + "]"));
        return out;
    }

    @SuppressWarnings("unchecked")
    ConfigNode asNode(Object v, String at) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new TokenizerFormatException(file + ": " + at + ": must be an object, found " + Json.typeName(v));
        }
        return new ConfigNode(file, at, (Map<String, Object>) m);
    }

    /** A single character field, such as Metaspace's {@code replacement}. */
    int codePoint(String key) {
        String s = string(key);
        if (s.isEmpty() || s.codePointCount(0, s.length()) != 1) throw error(key, "must be exactly one character, found '" + s + "'");
        return s.codePointAt(0);
    }
}
