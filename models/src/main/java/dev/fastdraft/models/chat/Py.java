package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.PyTypes.Callable;
import dev.fastdraft.models.chat.PyTypes.Namespace;
import dev.fastdraft.models.chat.PyTypes.Tuple;
import dev.fastdraft.models.chat.PyTypes.Undefined;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's semantics for the values templates handle: truth, {@code str} and {@code repr}, equality and
 * ordering, arithmetic, containment, indexing and slicing. Strings index by code point, as Python's do.
 */
final class Py {
    private Py() {
    }

    /** Python's {@code str.isspace} for one character. */
    static boolean isSpace(int c) {
        return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof Double d) return d != 0;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof String) return "str";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Long) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof List) return "list";
        if (v instanceof Map) return "dict";
        if (v instanceof Undefined) return "Undefined";
        if (v instanceof Namespace) return "Namespace";
        if (v instanceof Callable) return "function";
        return v.getClass().getSimpleName();
    }

    /** Python's {@code str(v)}; jinja2 prints Undefined as the empty string. */
    static String str(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Undefined) return "";
        StringBuilder sb = new StringBuilder();
        repr(sb, v);
        return sb.toString();
    }

    static String repr(Object v) {
        StringBuilder sb = new StringBuilder();
        repr(sb, v);
        return sb.toString();
    }

    static void repr(StringBuilder sb, Object v) {
        if (v == null) sb.append("None");
        else if (v instanceof Boolean b) sb.append(b ? "True" : "False");
        else if (v instanceof Long l) sb.append(l);
        else if (v instanceof Double d) sb.append(formatFloat(d));
        else if (v instanceof String s) reprString(sb, s);
        else if (v instanceof Tuple t) {
            sb.append('(');
            for (int i = 0; i < t.size(); i++) {
                if (i > 0) sb.append(", ");
                repr(sb, t.get(i));
            }
            sb.append(t.size() == 1 ? ",)" : ")");
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(", ");
                repr(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                repr(sb, e.getKey());
                sb.append(": ");
                repr(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof Undefined) sb.append("Undefined");
        else if (v instanceof Namespace n) {
            sb.append("<Namespace ");
            repr(sb, n.attrs);
            sb.append('>');
        } else if (v instanceof JinjaRenderer.Loop loop) sb.append(loop);
        else sb.append('<').append(typeName(v)).append('>');
    }

    /** Python's repr of a str: single quotes unless the text has ' and no ", non-printables escaped. */
    static void reprString(StringBuilder sb, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        s.codePoints().forEach(c -> {
            if (c == q || c == '\\') sb.append('\\').appendCodePoint(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (printable(c)) sb.appendCodePoint(c);
            else if (c < 0x100) sb.append(String.format("\\x%02x", c));
            else if (c < 0x10000) sb.append(String.format("\\u%04x", c));
            else sb.append(String.format("\\U%08x", c));
        });
        sb.append(q);
    }

    private static boolean printable(int c) {
        if (c == ' ') return true;
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's float repr: the shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal b = shortest(Math.abs(d));
        String digits = b.unscaledValue().toString();
        int decpt = digits.length() - b.scale(); // value = 0.digits * 10^decpt
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) sb.append("0.").append("0".repeat(-decpt)).append(digits);
            else if (decpt >= digits.length()) sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
            else sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            int exp = decpt - 1;
            sb.append(exp < 0 ? "e-" : "e+");
            if (Math.abs(exp) < 10) sb.append('0');
            sb.append(Math.abs(exp));
        }
        return sb.toString();
    }

    /**
     * The fewest significant digits that read back as {@code d}, rounded from its exact value (Python's repr;
     * Double.toString differs for some subnormals, 4.9E-324 where Python prints 5e-324).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) return r.stripTrailingZeros();
        }
        return exact.round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** Python's float(str): surrounding whitespace, '_' between digits, inf/infinity/nan in any case. Null if not a number. */
    static Double parseFloat(String text) {
        String t = strip(text, null);
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        String body = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        double sign = lower.startsWith("-") ? -1 : 1;
        if (body.equals("inf") || body.equals("infinity")) return sign * Double.POSITIVE_INFINITY;
        if (body.equals("nan")) return Double.NaN;
        if (!t.matches("[+-]?(\\d+(_\\d+)*(\\.(\\d+(_\\d+)*)?)?|\\.\\d+(_\\d+)*)([eE][+-]?\\d+(_\\d+)*)?")) return null;
        return Double.parseDouble(t.replace("_", ""));
    }

    // ---- numbers ----

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static long toLong(Object v) {
        if (v instanceof Long l) return l;
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw new TemplateException("'" + typeName(v) + "' object cannot be interpreted as an integer");
    }

    static double toDouble(Object v) {
        if (v instanceof Double d) return d;
        return toLong(v);
    }

    static Object arithmetic(String op, Object a, Object b) {
        if (a instanceof Undefined u) throw u.error();
        if (b instanceof Undefined u) throw u.error();
        switch (op) {
            case "+" -> {
                if (a instanceof String x && b instanceof String y) return x + y;
                if (a instanceof List<?> x && b instanceof List<?> y && (x instanceof Tuple) == (y instanceof Tuple)) {
                    List<Object> r = new ArrayList<>(x);
                    r.addAll(y);
                    return x instanceof Tuple ? new Tuple(r) : r;
                }
            }
            case "*" -> {
                if (a instanceof String s && isInteger(b)) return s.repeat((int) Math.max(0, toLong(b)));
                if (isInteger(a) && b instanceof String s) return s.repeat((int) Math.max(0, toLong(a)));
                if (a instanceof List<?> l && isInteger(b)) return repeat(l, toLong(b));
                if (isInteger(a) && b instanceof List<?> l) return repeat(l, toLong(a));
            }
            case "%" -> {
                if (a instanceof String s) return PyStrings.percentFormat(s, b);
            }
            default -> {
            }
        }
        if (!isNumber(a) || !isNumber(b)) {
            String pyOp = op.equals("**") ? "** or pow()" : op;
            if (op.equals("+") && a instanceof String) throw new TemplateException("can only concatenate str (not \"" + typeName(b) + "\") to str");
            throw new TemplateException("unsupported operand type(s) for " + pyOp + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
        }
        if (isInteger(a) && isInteger(b) && !op.equals("/")) {
            long x = toLong(a), y = toLong(b);
            return switch (op) {
                case "+" -> Math.addExact(x, y);
                case "-" -> Math.subtractExact(x, y);
                case "*" -> Math.multiplyExact(x, y);
                case "//" -> {
                    if (y == 0) throw new TemplateException("integer division or modulo by zero");
                    yield Math.floorDiv(x, y);
                }
                case "%" -> {
                    if (y == 0) throw new TemplateException("integer division or modulo by zero");
                    yield Math.floorMod(x, y);
                }
                case "**" -> y >= 0 ? powExact(x, y) : (Object) Math.pow(x, y);
                default -> throw new IllegalStateException(op);
            };
        }
        double x = toDouble(a), y = toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                if (y == 0) throw new TemplateException("division by zero");
                yield x / y;
            }
            case "//" -> {
                if (y == 0) throw new TemplateException("float floor division by zero");
                yield floatDivmod(x, y)[0];
            }
            case "%" -> {
                if (y == 0) throw new TemplateException("float modulo");
                yield floatDivmod(x, y)[1];
            }
            case "**" -> {
                if (x == 0 && y < 0) throw new TemplateException("0.0 cannot be raised to a negative power");
                if (x < 0 && y != Math.rint(y)) throw new TemplateException("a negative number to a fractional power is complex, which templates do not support");
                double r = Math.pow(x, y);
                if (Double.isInfinite(r) && Double.isFinite(x) && Double.isFinite(y)) throw new TemplateException("(34, 'Numerical result out of range')");
                yield r;
            }
            default -> throw new IllegalStateException(op);
        };
    }

    /** CPython's float divmod: floor quotient and remainder with the divisor's sign, signed zeros included. */
    private static double[] floatDivmod(double vx, double wx) {
        double mod = vx % wx; // C fmod
        double div = (vx - mod) / wx;
        if (mod != 0) {
            if ((wx < 0) != (mod < 0)) {
                mod += wx;
                div -= 1.0;
            }
        } else {
            mod = Math.copySign(0.0, wx);
        }
        double floordiv;
        if (div != 0) {
            floordiv = Math.floor(div);
            if (div - floordiv > 0.5) floordiv += 1.0;
        } else {
            floordiv = Math.copySign(0.0, vx / wx);
        }
        return new double[] {floordiv, mod};
    }

    private static long powExact(long base, long exp) {
        long r = 1;
        for (long i = 0; i < exp; i++) r = Math.multiplyExact(r, base);
        return r;
    }

    private static Object repeat(List<?> l, long n) {
        List<Object> r = new ArrayList<>();
        for (long i = 0; i < n; i++) r.addAll(l);
        return l instanceof Tuple ? new Tuple(r) : r;
    }

    static Object negate(Object v) {
        if (v instanceof Undefined u) throw u.error();
        if (v instanceof Double d) return -d;
        if (isInteger(v)) return Math.negateExact(toLong(v));
        throw new TemplateException("bad operand type for unary -: '" + typeName(v) + "'");
    }

    // ---- comparison ----

    static boolean eq(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (isNumber(a) && isNumber(b)) {
            if (isInteger(a) && isInteger(b)) return toLong(a) == toLong(b);
            return toDouble(a) == toDouble(b);
        }
        if (a instanceof String x && b instanceof String y) return x.equals(y);
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if ((x instanceof Tuple) != (y instanceof Tuple) || x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!eq(x.get(i), y.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !eq(e.getValue(), y.get(e.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python's ordering for numbers, strings (by code point) and sequences; anything else is a TypeError. */
    static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) throw u.error();
        if (b instanceof Undefined u) throw u.error();
        if (isNumber(a) && isNumber(b)) {
            if (isInteger(a) && isInteger(b)) return Long.compare(toLong(a), toLong(b));
            return Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof String x && b instanceof String y) return compareCodePoints(x, y);
        if (a instanceof List<?> x && b instanceof List<?> y && (x instanceof Tuple) == (y instanceof Tuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!eq(x.get(i), y.get(i))) return compare(x.get(i), y.get(i), op);
            }
            return Integer.compare(x.size(), y.size());
        }
        throw new TemplateException("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    static int compareCodePoints(String x, String y) {
        int i = 0, j = 0;
        while (i < x.length() && j < y.length()) {
            int a = x.codePointAt(i), b = y.codePointAt(j);
            if (a != b) return Integer.compare(a, b);
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }

    static boolean contains(Object container, Object item) {
        if (container instanceof Undefined) return false; // jinja2's Undefined iterates as empty
        if (container instanceof String s) {
            if (!(item instanceof String t)) throw new TemplateException("'in <string>' requires string as left operand, not " + typeName(item));
            return s.contains(t);
        }
        if (container instanceof List<?> l) {
            for (Object o : l) if (eq(o, item)) return true;
            return false;
        }
        if (container instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) if (eq(k, item)) return true;
            return false;
        }
        throw new TemplateException("argument of type '" + typeName(container) + "' is not iterable");
    }

    // ---- sequences ----

    static int length(Object v) {
        if (v instanceof String s) return s.codePointCount(0, s.length());
        if (v instanceof List<?> l) return l.size();
        if (v instanceof Map<?, ?> m) return m.size();
        if (v instanceof Undefined) return 0;
        throw new TemplateException("object of type '" + typeName(v) + "' has no len()");
    }

    /** What a for loop walks: items of a sequence, keys of a dict, characters of a string; Undefined is empty. */
    static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) return new ArrayList<>(l);
        if (v instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (v instanceof String s) return new ArrayList<>(codePoints(s));
        if (v instanceof Undefined) return new ArrayList<>();
        throw new TemplateException("'" + typeName(v) + "' object is not iterable");
    }

    static List<String> codePoints(String s) {
        List<String> out = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            out.add(s.substring(i, i + n));
            i += n;
        }
        return out;
    }

    /** {@code obj[key]}; as jinja2 does, a failed lookup tries the attribute, then gives Undefined. */
    static Object getItem(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.error();
        if (obj instanceof Map<?, ?> m) {
            if (m.containsKey(key)) return m.get(key);
            if (!(key instanceof String)) for (Map.Entry<?, ?> e : m.entrySet()) if (eq(e.getKey(), key)) return e.getValue();
        } else if ((obj instanceof List<?> || obj instanceof String) && isInteger(key)) {
            List<?> items = obj instanceof String s ? codePoints(s) : (List<?>) obj;
            long i = toLong(key);
            if (i < 0) i += items.size();
            if (i >= 0 && i < items.size()) return items.get((int) i);
            return new Undefined("'" + typeName(obj) + " object' has no element " + key);
        }
        if (key instanceof String name) {
            Object attr = PyMethods.attribute(obj, name);
            return attr != PyMethods.ABSENT ? attr : Undefined.attribute(obj, name);
        }
        return new Undefined("'" + typeName(obj) + " object' has no element " + repr(key));
    }

    /** {@code obj.name}; as jinja2 does, tries the attribute (methods), then the item. */
    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.error();
        Object attr = PyMethods.attribute(obj, name);
        if (attr != PyMethods.ABSENT) return attr;
        if (obj instanceof Map<?, ?> m && m.containsKey(name)) return m.get(name);
        return Undefined.attribute(obj, name);
    }

    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) throw u.error();
        boolean isString = obj instanceof String;
        if (!isString && !(obj instanceof List)) throw new TemplateException("'" + typeName(obj) + "' object is not subscriptable");
        List<?> items = isString ? codePoints((String) obj) : (List<?>) obj;
        int n = items.size();
        long st = step == null ? 1 : toLong(step);
        if (st == 0) throw new TemplateException("slice step cannot be zero");
        long lo, hi;
        if (st > 0) {
            lo = start == null ? 0 : clampIndex(toLong(start), n, 0, n);
            hi = stop == null ? n : clampIndex(toLong(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clampIndex(toLong(start), n, -1, n - 1);
            hi = stop == null ? -1 : clampIndex(toLong(stop), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) out.add(items.get((int) i));
        if (isString) {
            StringBuilder sb = new StringBuilder();
            for (Object o : out) sb.append((String) o);
            return sb.toString();
        }
        return obj instanceof Tuple ? new Tuple(out) : out;
    }

    private static long clampIndex(long i, int n, long min, long max) {
        if (i < 0) i += n;
        return Math.max(min, Math.min(max, i));
    }

    // ---- strings ----

    /** Python's {@code str.strip(chars)}; null chars means whitespace. */
    static String strip(String s, String chars) {
        return rstrip(lstrip(s, chars), chars);
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (!stripped(c, chars)) break;
            i += Character.charCount(c);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0) {
            int c = s.codePointBefore(j);
            if (!stripped(c, chars)) break;
            j -= Character.charCount(c);
        }
        return s.substring(0, j);
    }

    private static boolean stripped(int c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(Character.toString(c)) >= 0;
    }
}
