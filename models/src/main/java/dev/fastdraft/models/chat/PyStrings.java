package dev.fastdraft.models.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Python's str operations that need more than a line: split, title case, {@code str.format} and {@code %}. */
final class PyStrings {
    private PyStrings() {
    }

    static String requireString(Object v, String function) {
        if (v instanceof String s) return s;
        throw new TemplateException(function + "() argument must be str, not " + Py.typeName(v));
    }

    /** {@code str.split(sep, maxsplit)}; no separator splits on runs of whitespace and drops empty pieces. */
    static List<Object> split(String s, String sep, long max) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0, n = s.length();
            while (true) {
                while (i < n && Py.isSpace(s.charAt(i))) i++;
                if (i >= n) break;
                if (max >= 0 && out.size() == max) {
                    out.add(s.substring(i)); // Python keeps the remainder's trailing whitespace
                    break;
                }
                int j = i;
                while (j < n && !Py.isSpace(s.charAt(j))) j++;
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) throw new TemplateException("empty separator");
        int from = 0;
        while (max < 0 || out.size() < max) {
            int i = s.indexOf(sep, from);
            if (i < 0) break;
            out.add(s.substring(from, i));
            from = i + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    static List<Object> rsplit(String s, String sep, long max) {
        if (max < 0) return split(s, sep, max);
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int j = s.length();
            while (true) {
                while (j > 0 && Py.isSpace(s.charAt(j - 1))) j--;
                if (j == 0) break;
                if (out.size() == max) {
                    out.add(s.substring(0, j));
                    break;
                }
                int i = j;
                while (i > 0 && !Py.isSpace(s.charAt(i - 1))) i--;
                out.add(s.substring(i, j));
                j = i;
            }
        } else {
            if (sep.isEmpty()) throw new TemplateException("empty separator");
            int to = s.length();
            while (out.size() < max) {
                int i = s.lastIndexOf(sep, to - sep.length());
                if (i < 0) break;
                out.add(s.substring(i + sep.length(), to));
                to = i;
            }
            out.add(s.substring(0, to));
        }
        Collections.reverse(out);
        return out;
    }

    static List<Object> splitlines(String s, boolean keepEnds) {
        List<Object> out = new ArrayList<>();
        int start = 0, i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int end = -1;
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') end = i + 2;
            else if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e
                    || c == 0x85 || c == 0x2028 || c == 0x2029) end = i + 1;
            if (end < 0) {
                i++;
                continue;
            }
            out.add(s.substring(start, keepEnds ? end : i));
            start = i = end;
        }
        if (start < s.length()) out.add(s.substring(start));
        return out;
    }

    /** Python's {@code str.title}: a cased letter after an uncased character takes title case, other letters lower case. */
    static String pythonTitle(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            sb.append(prevCased ? Character.toString(c).toLowerCase(Locale.ROOT) : titleCase(c));
            prevCased = isCased(c);
            i += Character.charCount(c);
        }
        return sb.toString();
    }

    /** Python's cased characters: upper, lower and title case letters (not CJK, which has no case). */
    static boolean isCased(int c) {
        return Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
    }

    /** One character in title case: ǆ becomes ǅ, not Ǆ; where Java has no single-character mapping, upper case. */
    static String titleCase(int c) {
        int t = Character.toTitleCase(c);
        return t != c || Character.isTitleCase(c) ? Character.toString(t) : Character.toString(c).toUpperCase(Locale.ROOT);
    }

    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return titleCase(first) + s.substring(n).toLowerCase(Locale.ROOT);
    }

    static String replace(String s, String old, String repl, long count) {
        if (count < 0) {
            if (!old.isEmpty()) return s.replace(old, repl);
            count = Long.MAX_VALUE;
        }
        StringBuilder sb = new StringBuilder();
        int from = 0;
        long done = 0;
        if (old.isEmpty()) {
            List<String> cps = Py.codePoints(s);
            for (String c : cps) {
                if (done++ < count) sb.append(repl);
                sb.append(c);
            }
            if (done < count) sb.append(repl);
            return sb.toString();
        }
        while (done < count) {
            int i = s.indexOf(old, from);
            if (i < 0) break;
            sb.append(s, from, i).append(repl);
            from = i + old.length();
            done++;
        }
        return sb.append(s.substring(from)).toString();
    }

    static long count(String s, String sub) {
        if (sub.isEmpty()) return s.codePointCount(0, s.length()) + 1;
        long n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
        return n;
    }

    /** {@code str.format} with {}, {0} and {name} fields, an optional !r/!s and a format spec (see {@link #formatSpec}). */
    static String format(String fmt, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
            } else if (c == '}' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
                sb.append('}');
                i++;
            } else if (c == '{') {
                int end = fmt.indexOf('}', i);
                if (end < 0) throw new TemplateException("Single '{' encountered in format string");
                String field = fmt.substring(i + 1, end);
                String spec = null, conversion = null;
                int colon = field.indexOf(':');
                if (colon >= 0) {
                    spec = field.substring(colon + 1);
                    field = field.substring(0, colon);
                }
                int bang = field.indexOf('!');
                if (bang >= 0) {
                    conversion = field.substring(bang + 1);
                    field = field.substring(0, bang);
                }
                Object v;
                if (field.isEmpty()) {
                    if (auto >= args.size()) throw new TemplateException("Replacement index " + auto + " out of range for positional args tuple");
                    v = args.get(auto++);
                } else if (field.chars().allMatch(Character::isDigit)) {
                    int k = Integer.parseInt(field);
                    if (k >= args.size()) throw new TemplateException("Replacement index " + k + " out of range for positional args tuple");
                    v = args.get(k);
                } else {
                    if (!kwargs.containsKey(field)) throw new TemplateException("KeyError: '" + field + "'");
                    v = kwargs.get(field);
                }
                if ("r".equals(conversion)) v = Py.repr(v);
                sb.append(spec == null ? Py.str(v) : formatSpec(v, spec));
                i = end;
            } else if (c == '}') {
                throw new TemplateException("Single '}' encountered in format string");
            } else sb.append(c);
        }
        return sb.toString();
    }

    /** printf-style {@code fmt % args}: flags, width and precision with s, r, d, i, f, F, e, E, x, X, o, c and %%. */
    static String percentFormat(String fmt, Object args) {
        List<Object> values = args instanceof PyTypes.Tuple t ? new ArrayList<>(t) : java.util.Arrays.asList(args);
        StringBuilder sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            int j = i + 1;
            while (j < fmt.length() && "-+ 0#".indexOf(fmt.charAt(j)) >= 0) j++;
            String flags = fmt.substring(i + 1, j);
            int w = j;
            while (j < fmt.length() && Character.isDigit(fmt.charAt(j))) j++;
            String width = fmt.substring(w, j);
            String precision = "";
            if (j < fmt.length() && fmt.charAt(j) == '.') {
                int p = ++j;
                while (j < fmt.length() && Character.isDigit(fmt.charAt(j))) j++;
                precision = "." + (j == p ? "0" : fmt.substring(p, j));
            }
            if (j >= fmt.length()) throw new TemplateException("incomplete format");
            char conv = fmt.charAt(j);
            i = j;
            if (conv == '%') {
                sb.append('%');
                continue;
            }
            if (next >= values.size()) throw new TemplateException("not enough arguments for format string");
            Object v = values.get(next++);
            boolean left = flags.contains("-");
            char align = left ? '<' : '>';
            char fill = flags.contains("0") && !left && "sr".indexOf(conv) < 0 ? '0' : ' ';
            char sign = flags.contains("+") ? '+' : flags.contains(" ") ? ' ' : '-';
            int prec = precision.isEmpty() ? -1 : Integer.parseInt(precision.substring(1));
            sb.append(formatValue(v, conv == 'i' ? 'd' : conv == 'F' ? 'f' : conv, prec, sign, flags.contains("#"),
                    width.isEmpty() ? 0 : Integer.parseInt(width), fill == '0' ? '=' : align, fill));
        }
        if (next < values.size() && args instanceof PyTypes.Tuple) throw new TemplateException("not all arguments converted during string formatting");
        return sb.toString();
    }

    /**
     * One value in Python's format rules for printf-style and {@code str.format} fields: {@code type} one of s r c d
     * f e E x X o %, {@code precision} -1 for the default, {@code sign} '-', '+' or ' ', {@code align} '<', '>', '^'
     * or '=' (pad between sign and digits). Fixed and exponent forms round the exact binary value half to even.
     */
    static String formatValue(Object v, char type, int precision, char sign, boolean alternate, int width, char align, char fill) {
        String prefix = "", body;
        switch (type) {
            case 's', 'r' -> {
                body = type == 's' ? Py.str(v) : Py.repr(v);
                if (precision >= 0 && Py.length(body) > precision) body = String.join("", Py.codePoints(body).subList(0, precision));
            }
            case 'c' -> body = v instanceof String t ? t : Character.toString((int) Py.toLong(v));
            case 'd', 'x', 'X', 'o' -> {
                long n = v instanceof Double d && type == 'd' ? (long) (double) d : integer(v, type);
                prefix = n < 0 ? "-" : sign == '-' ? "" : String.valueOf(sign);
                long abs = Math.abs(n);
                body = switch (type) {
                    case 'x' -> (alternate ? "0x" : "") + Long.toHexString(abs);
                    case 'X' -> (alternate ? "0X" : "") + Long.toHexString(abs).toUpperCase(Locale.ROOT);
                    case 'o' -> (alternate ? "0o" : "") + Long.toOctalString(abs);
                    default -> Long.toString(abs);
                };
            }
            case 'f', 'e', 'E', '%' -> {
                if (!Py.isNumber(v)) throw new TemplateException("format code '" + type + "' needs a number, not " + Py.typeName(v));
                double d = Py.toDouble(v) * (type == '%' ? 100 : 1);
                int p = precision < 0 ? 6 : precision;
                boolean negative = d < 0 || (d == 0 && 1 / d < 0);
                prefix = negative ? "-" : sign == '-' ? "" : String.valueOf(sign);
                double a = Math.abs(d);
                if (Double.isNaN(d)) body = "nan";
                else if (Double.isInfinite(d)) body = "inf";
                else if (type == 'e' || type == 'E') body = exponent(a, p, type);
                else body = new BigDecimal(a).setScale(p, RoundingMode.HALF_EVEN).toPlainString();
                if (type == '%') body += "%";
            }
            default -> throw new TemplateException("unsupported format code '" + type + "'");
        }
        return pad(prefix, body, width, align, fill);
    }

    private static String pad(String prefix, String body, int width, char align, char fill) {
        int pad = width - Py.length(prefix + body);
        if (pad <= 0) return prefix + body;
        String f = String.valueOf(fill).repeat(pad);
        return switch (align) {
            case '<' -> prefix + body + f;
            case '^' -> String.valueOf(fill).repeat(pad / 2) + prefix + body + String.valueOf(fill).repeat(pad - pad / 2);
            case '=' -> prefix + f + body;
            default -> f + prefix + body;
        };
    }

    private static String exponent(double a, int p, char type) {
        String digits;
        int exp;
        if (a == 0) {
            digits = "0".repeat(p + 1);
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(p + 1, RoundingMode.HALF_EVEN));
            digits = r.unscaledValue().toString();
            exp = digits.length() - 1 - r.scale();
            digits = (digits + "0".repeat(p + 1)).substring(0, p + 1);
        }
        String mantissa = p == 0 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return mantissa + type + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    private static long integer(Object v, char type) {
        if (Py.isInteger(v)) return Py.toLong(v);
        throw new TemplateException("%" + type + " format: an integer is required, not " + Py.typeName(v));
    }

    /** A {@code str.format} field spec: [[fill]align][sign][#][0][width][.precision][type]. */
    static String formatSpec(Object v, String spec) {
        int i = 0;
        char fill = ' ', align = 0;
        if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if (!spec.isEmpty() && "<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        char sign = '-';
        if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) sign = spec.charAt(i++);
        boolean alternate = i < spec.length() && spec.charAt(i) == '#';
        if (alternate) i++;
        if (i < spec.length() && spec.charAt(i) == '0') {
            if (align == 0) {
                fill = '0';
                align = v instanceof String ? '<' : '=';
            }
            i++;
        }
        int w = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
        int width = i > w ? Integer.parseInt(spec.substring(w, i)) : 0;
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            int p = ++i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
            precision = Integer.parseInt(spec.substring(p, i));
        }
        char type = i < spec.length() ? spec.charAt(i++) : 0;
        if (i != spec.length()) throw new TemplateException("Invalid format specifier '" + spec + "'");
        if (type == 0) type = v instanceof String ? 's' : Py.isInteger(v) ? 'd' : v instanceof Double ? 'g' : 's';
        if (type == 'F') type = 'f';
        if (type == 'g') {
            if (precision >= 0) throw new TemplateException("format code 'g' with a precision is not supported");
            // no type given for a float: its repr, with the sign and padding asked for
            if (!(v instanceof Double d)) throw new TemplateException("format code 'g' needs a number, not " + Py.typeName(v));
            boolean negative = d < 0 || (d == 0 && 1 / d < 0);
            String prefix = negative ? "-" : sign == '-' ? "" : String.valueOf(sign);
            return pad(prefix, Py.formatFloat(Math.abs(d)), width, align == 0 ? '>' : align, fill);
        }
        if (align == 0) align = type == 's' ? '<' : '>';
        return formatValue(v, type, precision, sign, alternate, width, align, fill);
    }
}
