package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.PyTypes.Undefined;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, which Hugging Face's {@code tojson} filter calls with {@code ensure_ascii=False}:
 * separators {@code ", "} and {@code ": "} by default ({@code ","} between items once indented), floats in
 * Python's repr, non-ASCII text kept unless {@code ensure_ascii}.
 */
final class PyJson {
    private PyJson() {
    }

    record Options(String indent, String itemSeparator, String keySeparator, boolean sortKeys, boolean ensureAscii) {}

    static String dumps(Object v, Options o) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, o, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, Options o, int depth) {
        if (v == null) sb.append("null");
        else if (v instanceof Boolean b) sb.append(b);
        else if (v instanceof Long l) sb.append(l);
        else if (v instanceof Double d) {
            if (Double.isNaN(d)) sb.append("NaN");
            else if (Double.isInfinite(d)) sb.append(d > 0 ? "Infinity" : "-Infinity");
            else sb.append(Py.formatFloat(d));
        } else if (v instanceof String s) quote(sb, s, o.ensureAscii());
        else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(o.itemSeparator());
                newline(sb, o, depth + 1);
                write(sb, l.get(i), o, depth + 1);
            }
            newline(sb, o, depth);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            // Python sorts the keys themselves (2 before 10), then turns them into strings
            if (o.sortKeys()) entries.sort((a, b) -> Py.compare(a.getKey(), b.getKey(), "<"));
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                if (!first) sb.append(o.itemSeparator());
                first = false;
                newline(sb, o, depth + 1);
                quote(sb, key(e.getKey()), o.ensureAscii());
                sb.append(o.keySeparator());
                write(sb, e.getValue(), o, depth + 1);
            }
            newline(sb, o, depth);
            sb.append('}');
        } else if (v instanceof Undefined) {
            throw new TemplateException("Object of type Undefined is not JSON serializable");
        } else {
            throw new TemplateException("Object of type " + Py.typeName(v) + " is not JSON serializable");
        }
    }

    /** json.dumps turns None, booleans and numbers used as keys into their JSON text. */
    private static String key(Object k) {
        if (k instanceof String s) return s;
        if (k == null) return "null";
        if (k instanceof Boolean b) return b.toString();
        if (k instanceof Long || k instanceof Double) {
            StringBuilder sb = new StringBuilder();
            write(sb, k, new Options(null, ", ", ": ", false, false), 0);
            return sb.toString();
        }
        throw new TemplateException("keys must be str, int, float, bool or None, not " + Py.typeName(k));
    }

    private static void newline(StringBuilder sb, Options o, int depth) {
        if (o.indent() == null) return;
        sb.append('\n');
        sb.append(o.indent().repeat(depth));
    }

    private static void quote(StringBuilder sb, String s, boolean ascii) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (ascii && c > 0x7e)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
