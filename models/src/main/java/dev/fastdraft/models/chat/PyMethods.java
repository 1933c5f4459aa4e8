package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.PyTypes.Arguments;
import dev.fastdraft.models.chat.PyTypes.Callable;
import dev.fastdraft.models.chat.PyTypes.Namespace;
import dev.fastdraft.models.chat.PyTypes.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Attributes of values: the methods of str, dict and list that templates call ({@code content.strip()},
 * {@code message.get('x')}, {@code tools.items()}), namespace fields and loop variables. Methods that would
 * modify a value are refused, as in jinja2's immutable sandbox that Hugging Face renders with.
 */
final class PyMethods {
    private PyMethods() {
    }

    private static final Set<String> LIST_MUTATORS = Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse");
    private static final Set<String> DICT_MUTATORS = Set.of("update", "pop", "popitem", "setdefault", "clear");

    /** What {@link #attribute} returns for a name the value has no attribute for (null is a value: None). */
    static final Object ABSENT = new Object();

    /** The attribute {@code name} of {@code obj}, or {@link #ABSENT}. */
    static Object attribute(Object obj, String name) {
        if (obj instanceof Namespace ns) return ns.attrs.containsKey(name) ? ns.attrs.get(name) : ABSENT;
        if (obj instanceof JinjaRenderer.Loop loop) return loop.attribute(name);
        Object method = null;
        if (obj instanceof String s) method = stringMethod(s, name);
        else if (obj instanceof Map<?, ?> m) method = dictMethod(m, name);
        else if (obj instanceof List<?> l) method = listMethod(l, name);
        return method == null ? ABSENT : method;
    }

    private static Callable unsafe(Object obj, String name) {
        return (args, kwargs) -> {
            throw new TemplateException("access to attribute '" + name + "' of '" + Py.typeName(obj) + "' object is unsafe");
        };
    }

    private static Callable method(String name, java.util.function.Function<Arguments, Object> body) {
        return (args, kwargs) -> body.apply(new Arguments(name, args, kwargs));
    }

    private static Object dictMethod(Map<?, ?> m, String name) {
        if (DICT_MUTATORS.contains(name)) return unsafe(m, name);
        return switch (name) {
            case "items" -> method(name, a -> {
                a.atMost(0);
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(Tuple.of(e.getKey(), e.getValue()));
                return out;
            });
            case "keys" -> method(name, a -> {
                a.atMost(0);
                return new ArrayList<Object>(m.keySet());
            });
            case "values" -> method(name, a -> {
                a.atMost(0);
                return new ArrayList<Object>(m.values());
            });
            case "get" -> method(name, a -> {
                a.atMost(2);
                Object key = a.required(0, "key");
                return m.containsKey(key) ? m.get(key) : a.get(1, "default", null);
            });
            case "copy" -> method(name, a -> new java.util.LinkedHashMap<Object, Object>(m));
            default -> null;
        };
    }

    private static Object listMethod(List<?> l, String name) {
        if (LIST_MUTATORS.contains(name)) return unsafe(l, name);
        return switch (name) {
            case "index" -> method(name, a -> {
                Object x = a.required(0, "value");
                for (int i = 0; i < l.size(); i++) if (Py.eq(l.get(i), x)) return (long) i;
                throw new TemplateException(Py.repr(x) + " is not in list");
            });
            case "count" -> method(name, a -> {
                Object x = a.required(0, "value");
                long n = 0;
                for (Object o : l) if (Py.eq(o, x)) n++;
                return n;
            });
            case "copy" -> method(name, a -> new ArrayList<Object>(l));
            default -> null;
        };
    }

    /** Code point index where the optional [start, end) arguments (at {@code at}, {@code at + 1}) begin. */
    private static long windowStart(String s, PyTypes.Arguments a, int at) {
        Object start = a.get(at, "start", null);
        int n = Py.length(s);
        if (start == null) return 0;
        long i = Py.toLong(start);
        return Math.max(0, Math.min(n, i < 0 ? i + n : i));
    }

    /** The part of {@code s} that Python's optional start and end arguments select (slice rules). */
    private static String window(String s, PyTypes.Arguments a, int at) {
        Object start = a.get(at, "start", null), end = a.get(at + 1, "end", null);
        if (start == null && end == null) return s;
        return (String) Py.slice(s, start, end, null);
    }

    private static Object stringMethod(String s, String name) {
        return switch (name) {
            case "strip", "lstrip", "rstrip" -> method(name, a -> {
                a.atMost(1);
                Object chars = a.get(0, "chars", null);
                String c = chars == null ? null : PyStrings.requireString(chars, name);
                return switch (name) {
                    case "strip" -> Py.strip(s, c);
                    case "lstrip" -> Py.lstrip(s, c);
                    default -> Py.rstrip(s, c);
                };
            });
            case "split", "rsplit" -> method(name, a -> {
                a.atMost(2, "sep", "maxsplit");
                Object sep = a.get(0, "sep", null);
                long max = Py.toLong(a.get(1, "maxsplit", -1L));
                String sp = sep == null ? null : PyStrings.requireString(sep, name);
                return name.equals("split") ? PyStrings.split(s, sp, max) : PyStrings.rsplit(s, sp, max);
            });
            case "splitlines" -> method(name, a -> PyStrings.splitlines(s, Py.truthy(a.get(0, "keepends", false))));
            case "startswith", "endswith" -> method(name, a -> {
                Object p = a.required(0, name.equals("startswith") ? "prefix" : "suffix");
                String sub = window(s, a, 1);
                List<Object> options = p instanceof Tuple t ? new ArrayList<>(t) : List.of(p);
                for (Object o : options) {
                    String x = PyStrings.requireString(o, name);
                    if (name.equals("startswith") ? sub.startsWith(x) : sub.endsWith(x)) return true;
                }
                return false;
            });
            case "upper" -> method(name, a -> s.toUpperCase(Locale.ROOT));
            case "lower" -> method(name, a -> s.toLowerCase(Locale.ROOT));
            case "title" -> method(name, a -> PyStrings.pythonTitle(s));
            case "capitalize" -> method(name, a -> PyStrings.capitalize(s));
            case "replace" -> method(name, a -> PyStrings.replace(s, PyStrings.requireString(a.required(0, "old"), name),
                    PyStrings.requireString(a.required(1, "new"), name), Py.toLong(a.get(2, "count", -1L))));
            case "find", "rfind", "index", "rindex" -> method(name, a -> {
                String sub = PyStrings.requireString(a.required(0, "sub"), name);
                String in = window(s, a, 1);
                int i = name.startsWith("r") ? in.lastIndexOf(sub) : in.indexOf(sub);
                if (i < 0 && name.endsWith("index")) throw new TemplateException("substring not found");
                return i < 0 ? -1L : (long) in.codePointCount(0, i) + windowStart(s, a, 1);
            });
            case "count" -> method(name, a -> PyStrings.count(window(s, a, 1), PyStrings.requireString(a.required(0, "sub"), name)));
            case "join" -> method(name, a -> {
                StringBuilder sb = new StringBuilder();
                List<Object> items = Py.iterate(a.required(0, "iterable"));
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) sb.append(s);
                    sb.append(PyStrings.requireString(items.get(i), "join"));
                }
                return sb.toString();
            });
            case "format" -> (Callable) (args, kwargs) -> PyStrings.format(s, args, kwargs);
            case "zfill" -> method(name, a -> {
                int width = (int) Py.toLong(a.required(0, "width"));
                int pad = width - Py.length(s);
                if (pad <= 0) return s;
                boolean signed = s.startsWith("+") || s.startsWith("-");
                return signed ? s.charAt(0) + "0".repeat(pad) + s.substring(1) : "0".repeat(pad) + s;
            });
            case "ljust", "rjust", "center" -> method(name, a -> {
                int width = (int) Py.toLong(a.required(0, "width"));
                String fill = PyStrings.requireString(a.get(1, "fillchar", " "), name);
                if (Py.length(fill) != 1) throw new TemplateException("The fill character must be exactly one character long");
                int pad = width - Py.length(s);
                if (pad <= 0) return s;
                int left = switch (name) {
                    case "ljust" -> 0;
                    case "rjust" -> pad;
                    default -> pad / 2 + (pad & width & 1);
                };
                return fill.repeat(left) + s + fill.repeat(pad - left);
            });
            case "removeprefix" -> method(name, a -> {
                String p = PyStrings.requireString(a.required(0, "prefix"), name);
                return s.startsWith(p) ? s.substring(p.length()) : s;
            });
            case "removesuffix" -> method(name, a -> {
                String x = PyStrings.requireString(a.required(0, "suffix"), name);
                return !x.isEmpty() && s.endsWith(x) ? s.substring(0, s.length() - x.length()) : s;
            });
            case "isdigit", "isnumeric", "isdecimal" -> method(name, a -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit));
            case "isalpha" -> method(name, a -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter));
            case "isalnum" -> method(name, a -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit));
            case "isspace" -> method(name, a -> !s.isEmpty() && s.codePoints().allMatch(Py::isSpace));
            case "isupper" -> method(name, a -> JinjaTests.cased(s, true));
            case "islower" -> method(name, a -> JinjaTests.cased(s, false));
            default -> null;
        };
    }
}
