package dev.fastdraft.models.chat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
                    out.add(Py.rstrip(s.substring(i), null));
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
                    out.add(Py.lstrip(s.substring(0, j), null));
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

    /** Python's {@code str.title}: a letter after a non-letter is upper case, other letters lower. */
    static String pythonTitle(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            sb.append(prevCased ? Character.toString(c).toLowerCase(Locale.ROOT) : Character.toString(c).toUpperCase(Locale.ROOT));
            prevCased = Character.isLetter(c);
            i += Character.charCount(c);
        }
        return sb.toString();
    }

    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return Character.toString(first).toUpperCase(Locale.ROOT) + s.substring(n).toLowerCase(Locale.ROOT);
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

    /** {@code str.format} with {}, {0} and {name} fields, an optional !r/!s and no format specs beyond none. */
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
                String conversion = null;
                int bang = field.indexOf('!');
                if (bang >= 0) {
                    conversion = field.substring(bang + 1);
                    field = field.substring(0, bang);
                }
                if (field.contains(":")) throw new TemplateException("format specs are not supported in str.format: '" + field + "'");
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
                sb.append("r".equals(conversion) ? Py.repr(v) : Py.str(v));
                i = end;
            } else if (c == '}') {
                throw new TemplateException("Single '}' encountered in format string");
            } else sb.append(c);
        }
        return sb.toString();
    }

    /** printf-style {@code fmt % args}: %s, %r, %d, %i, %f/%.Nf, %x and %%. */
    static String percentFormat(String fmt, Object args) {
        List<Object> values = args instanceof PyTypes.Tuple t ? new ArrayList<>(t) : List.of(args == null ? "None" : args);
        if (args == null) values = java.util.Arrays.asList((Object) null);
        StringBuilder sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            int j = i + 1;
            while (j < fmt.length() && "0123456789.-+ ".indexOf(fmt.charAt(j)) >= 0) j++;
            if (j >= fmt.length()) throw new TemplateException("incomplete format");
            String spec = fmt.substring(i + 1, j);
            char conv = fmt.charAt(j);
            if (conv == '%') {
                sb.append('%');
                i = j;
                continue;
            }
            if (next >= values.size()) throw new TemplateException("not enough arguments for format string");
            Object v = values.get(next++);
            String piece = switch (conv) {
                case 's' -> Py.str(v);
                case 'r' -> Py.repr(v);
                case 'd', 'i' -> Long.toString(v instanceof Double d ? (long) (double) d : Py.toLong(v));
                case 'x' -> Long.toHexString(Py.toLong(v));
                case 'f' -> String.format(Locale.ROOT, "%" + (spec.contains(".") ? spec : spec + ".6") + "f", Py.toDouble(v));
                default -> throw new TemplateException("unsupported format character '" + conv + "'");
            };
            if (conv != 'f' && !spec.isEmpty() && !spec.contains(".")) {
                int width = Integer.parseInt(spec.replace("-", "").replace("+", "").replace(" ", "").replaceFirst("^0+(?=\\d)", ""));
                piece = spec.startsWith("-") ? String.format("%-" + width + "s", piece) : String.format("%" + width + "s", piece);
            }
            sb.append(piece);
            i = j;
        }
        if (next < values.size() && args instanceof PyTypes.Tuple) throw new TemplateException("not all arguments converted during string formatting");
        return sb.toString();
    }
}
