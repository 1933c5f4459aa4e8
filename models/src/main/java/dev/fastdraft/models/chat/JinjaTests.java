package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.PyTypes.Callable;
import dev.fastdraft.models.chat.PyTypes.Undefined;
import java.util.List;
import java.util.Map;

/** jinja2's built-in tests ({@code x is defined}, {@code x is divisibleby 3}, {@code select('>', 1)}). */
final class JinjaTests {
    private JinjaTests() {
    }

    static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "number" -> Py.isNumber(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "mapping" -> v instanceof Map;
            case "sequence" -> v instanceof List || v instanceof String || v instanceof Map;
            case "iterable" -> v instanceof List || v instanceof String || v instanceof Map || v instanceof Undefined;
            case "callable" -> v instanceof Callable;
            case "even" -> Py.eq(Py.arithmetic("%", defined(v), 2L), 0L);
            case "odd" -> Py.eq(Py.arithmetic("%", defined(v), 2L), 1L);
            case "divisibleby" -> Py.eq(Py.arithmetic("%", defined(v), arg(name, args, 0)), 0L);
            case "lower" -> cased(Py.str(v), false);
            case "upper" -> cased(Py.str(v), true);
            case "eq", "equalto", "==" -> Py.eq(v, arg(name, args, 0));
            case "ne", "!=" -> !Py.eq(v, arg(name, args, 0));
            case "lt", "lessthan", "<" -> Py.compare(v, arg(name, args, 0), "<") < 0;
            case "le", "<=" -> Py.compare(v, arg(name, args, 0), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Py.compare(v, arg(name, args, 0), ">") > 0;
            case "ge", ">=" -> Py.compare(v, arg(name, args, 0), ">=") >= 0;
            case "in" -> Py.contains(arg(name, args, 0), v);
            case "sameas" -> {
                Object o = arg(name, args, 0);
                yield v == o || (v instanceof Boolean && v.equals(o));
            }
            case "escaped" -> false;
            default -> throw new TemplateException("no test named '" + name + "'");
        };
    }

    /** Python's str.isupper / str.islower: some cased character, and none of the other case. */
    static boolean cased(String s, boolean upper) {
        boolean any = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isTitleCase(c)) return false; // Python: neither upper nor lower
            if (Character.isUpperCase(c)) {
                if (!upper) return false;
                any = true;
            } else if (Character.isLowerCase(c)) {
                if (upper) return false;
                any = true;
            }
        }
        return any;
    }

    private static Object defined(Object v) {
        if (v instanceof Undefined u) throw u.error();
        return v;
    }

    private static Object arg(String test, List<Object> args, int i) {
        if (i >= args.size()) throw new TemplateException("test '" + test + "' needs an argument");
        return args.get(i);
    }
}
