package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.PyTypes.Arguments;
import dev.fastdraft.models.chat.PyTypes.Tuple;
import dev.fastdraft.models.chat.PyTypes.Undefined;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's built-in filters that chat templates use, with Hugging Face's {@code tojson} (Python's json.dumps,
 * non-ASCII kept). Sorting filters compare strings without regard to case unless told otherwise, as jinja2's do.
 */
final class JinjaFilters {
    private JinjaFilters() {
    }

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}\\p{M}_]+");
    private static final Pattern TITLE_SPLIT = Pattern.compile("[-\\s({\\[<]+", Pattern.UNICODE_CHARACTER_CLASS);

    static Object apply(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        Arguments a = new Arguments(name, args, kwargs);
        return switch (name) {
            case "length", "count" -> (long) Py.length(v);
            case "string" -> Py.str(v);
            case "trim" -> {
                Object chars = a.get(0, "chars", null);
                yield Py.strip(Py.str(v), chars == null ? null : PyStrings.requireString(chars, "trim"));
            }
            case "upper" -> Py.str(v).toUpperCase(Locale.ROOT);
            case "lower" -> Py.str(v).toLowerCase(Locale.ROOT);
            case "capitalize" -> PyStrings.capitalize(Py.str(v));
            case "title" -> title(Py.str(v));
            case "replace" -> PyStrings.replace(Py.str(v), Py.str(a.required(0, "old")), Py.str(a.required(1, "new")),
                    a.get(2, "count", null) == null ? -1 : Py.toLong(a.get(2, "count", null)));
            case "join" -> {
                String sep = Py.str(a.get(0, "d", ""));
                Object attribute = a.get(1, "attribute", null);
                StringBuilder sb = new StringBuilder();
                List<Object> items = Py.iterate(v);
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) sb.append(sep);
                    sb.append(Py.str(attribute == null ? items.get(i) : attr(items.get(i), attribute)));
                }
                yield sb.toString();
            }
            case "first" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
            }
            case "last" -> {
                List<Object> items = Py.iterate(v);
                yield items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
            }
            case "default", "d" -> {
                Object fallback = a.get(0, "default_value", "");
                boolean bool = Py.truthy(a.get(1, "boolean", false));
                yield v instanceof Undefined || (bool && !Py.truthy(v)) ? fallback : v;
            }
            case "int" -> toInt(v, a.get(0, "default", 0L));
            case "float" -> toFloat(v, a.get(0, "default", 0.0));
            case "list" -> Py.iterate(v);
            case "items" -> {
                if (v instanceof Undefined) yield new ArrayList<>();
                if (!(v instanceof Map<?, ?> m)) throw new TemplateException("can only get item pairs from a mapping, not " + Py.typeName(v));
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(Tuple.of(e.getKey(), e.getValue()));
                yield out;
            }
            case "dictsort" -> dictsort(v, a);
            case "sort" -> {
                boolean reverse = Py.truthy(a.get(0, "reverse", false));
                boolean cs = Py.truthy(a.get(1, "case_sensitive", false));
                Object attribute = a.get(2, "attribute", null);
                List<Object> items = Py.iterate(v);
                Comparator<Object> byKey = Comparator.comparing(x -> sortKey(attribute == null ? x : attr(x, attribute), cs), JinjaFilters::order);
                items.sort(reverse ? byKey.reversed() : byKey); // stable either way, as Python's sorted(reverse=True)
                yield items;
            }
            case "unique" -> {
                boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
                Object attribute = a.get(1, "attribute", null);
                List<Object> out = new ArrayList<>(), seen = new ArrayList<>();
                for (Object x : Py.iterate(v)) {
                    Object key = sortKey(attribute == null ? x : attr(x, attribute), cs);
                    if (!Py.contains(seen, key)) {
                        seen.add(key);
                        out.add(x);
                    }
                }
                yield out;
            }
            case "min", "max" -> {
                boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
                Object attribute = a.get(1, "attribute", null);
                List<Object> items = Py.iterate(v);
                if (items.isEmpty()) yield new Undefined("No aggregated item, sequence was empty.");
                Object best = items.get(0);
                for (Object x : items.subList(1, items.size())) {
                    int c = order(sortKey(attribute == null ? x : attr(x, attribute), cs), sortKey(attribute == null ? best : attr(best, attribute), cs));
                    if (name.equals("min") ? c < 0 : c > 0) best = x;
                }
                yield best;
            }
            case "sum" -> {
                Object attribute = a.get(0, "attribute", null);
                Object total = a.get(1, "start", 0L);
                for (Object x : Py.iterate(v)) total = Py.arithmetic("+", total, attribute == null ? x : attr(x, attribute));
                yield total;
            }
            case "reverse" -> {
                if (v instanceof String s) yield new StringBuilder(s).reverse().toString();
                List<Object> items = Py.iterate(v);
                Collections.reverse(items);
                yield items;
            }
            case "abs" -> {
                if (v instanceof Double d) yield Math.abs(d);
                yield Math.abs(Py.toLong(v));
            }
            case "round" -> round(v, a);
            case "select", "reject" -> select(v, args, name.equals("select"), null);
            case "selectattr", "rejectattr" -> {
                if (args.isEmpty()) throw new TemplateException(name + "() needs an attribute name");
                yield select(v, args.subList(1, args.size()), name.equals("selectattr"), args.get(0));
            }
            case "map" -> map(v, args, kwargs);
            case "attr" -> Py.getAttr(v, Py.str(a.required(0, "name")));
            case "tojson" -> tojson(v, a);
            case "indent" -> indent(Py.str(v), a);
            case "wordcount" -> {
                Matcher m = WORD.matcher(Py.str(v));
                long n = 0;
                while (m.find()) n++;
                yield n;
            }
            case "center" -> {
                String s = Py.str(v);
                int width = (int) Py.toLong(a.get(0, "width", 80L));
                int pad = Math.max(0, width - Py.length(s));
                int left = pad / 2 + (pad & width & 1);
                yield " ".repeat(left) + s + " ".repeat(pad - left);
            }
            case "safe" -> v;
            case "escape", "e" -> escape(Py.str(v));
            case "format" -> {
                if (!kwargs.isEmpty()) throw new TemplateException("format(): keyword arguments are not supported");
                yield PyStrings.percentFormat(Py.str(v), args.size() == 1 ? Tuple.of(args.get(0)) : new Tuple(args));
            }
            case "batch" -> {
                long size = Py.toLong(a.required(0, "linecount"));
                Object fill = a.get(1, "fill_with", null);
                boolean pad = a.get(1, "fill_with", null) != null;
                List<Object> out = new ArrayList<>();
                List<Object> cur = new ArrayList<>();
                for (Object x : Py.iterate(v)) {
                    cur.add(x);
                    if (cur.size() == size) {
                        out.add(cur);
                        cur = new ArrayList<>();
                    }
                }
                if (!cur.isEmpty()) {
                    while (pad && cur.size() < size) cur.add(fill);
                    out.add(cur);
                }
                yield out;
            }
            case "pprint" -> Py.repr(v);
            case "truncate" -> {
                String str = Py.str(v);
                int length = (int) Py.toLong(a.get(0, "length", 255L));
                boolean killwords = Py.truthy(a.get(1, "killwords", false));
                String end = Py.str(a.get(2, "end", "..."));
                Object leewayArg = a.get(3, "leeway", null);
                int leeway = leewayArg == null ? 5 : (int) Py.toLong(leewayArg);
                List<String> cps = Py.codePoints(str);
                if (cps.size() <= length + leeway) yield str;
                String head = String.join("", cps.subList(0, Math.max(0, length - Py.length(end))));
                if (killwords) yield head + end;
                int space = head.lastIndexOf(' ');
                yield (space >= 0 ? head.substring(0, space) : head) + end;
            }
            default -> throw new TemplateException("no filter named '" + name + "'");
        };
    }

    /** jinja2's attribute getter: "a.b" walks dict keys (then attributes); an integer part indexes. */
    static Object attr(Object item, Object attribute) {
        if (Py.isInteger(attribute)) return Py.getItem(item, attribute);
        Object cur = item;
        for (String part : Py.str(attribute).split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            cur = Py.getItem(cur, key);
        }
        return cur;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    private static int order(Object x, Object y) {
        return Py.compare(x, y, "<");
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        Matcher m = TITLE_SPLIT.matcher(s);
        int last = 0;
        while (m.find()) {
            titleWord(sb, s.substring(last, m.start()));
            sb.append(m.group());
            last = m.end();
        }
        titleWord(sb, s.substring(last));
        return sb.toString();
    }

    private static void titleWord(StringBuilder sb, String w) {
        if (w.isEmpty()) return;
        int first = w.codePointAt(0);
        int n = Character.charCount(first);
        // jinja2's filter upper-cases the first character (str.title and capitalize use title case)
        sb.append(Character.toString(first).toUpperCase(Locale.ROOT)).append(w.substring(n).toLowerCase(Locale.ROOT));
    }

    /** jinja2's int filter: int(value), else int(float(value)), else the default; Undefined fails as in Python. */
    private static Object toInt(Object v, Object fallback) {
        if (v instanceof Undefined u) throw u.error();
        if (v instanceof Long || v instanceof Boolean) return Py.toLong(v);
        if (v instanceof Double d) return Double.isFinite(d) ? (Object) (long) (double) d : fallback;
        if (v instanceof String s) {
            String t = Py.strip(s, null);
            if (t.matches("[+-]?\\d+(_\\d+)*")) {
                try {
                    return Long.parseLong(t.replace("_", ""));
                } catch (NumberFormatException e) {
                    return fallback;
                }
            }
            Double d = Py.parseFloat(s);
            return d != null && Double.isFinite(d) ? (Object) (long) (double) d : fallback;
        }
        return fallback;
    }

    private static Object toFloat(Object v, Object fallback) {
        if (v instanceof Undefined u) throw u.error();
        if (v instanceof Double) return v;
        if (v instanceof Long || v instanceof Boolean) return (double) Py.toLong(v);
        if (v instanceof String s) {
            Double d = Py.parseFloat(s);
            return d != null ? d : fallback;
        }
        return fallback;
    }

    private static Object dictsort(Object v, Arguments a) {
        if (!(v instanceof Map<?, ?> m)) throw new TemplateException("dictsort() needs a mapping, not " + Py.typeName(v));
        boolean cs = Py.truthy(a.get(0, "case_sensitive", false));
        String by = Py.str(a.get(1, "by", "key"));
        boolean reverse = Py.truthy(a.get(2, "reverse", false));
        int pos = switch (by) {
            case "key" -> 0;
            case "value" -> 1;
            default -> throw new TemplateException("You can only sort by either \"key\" or \"value\"");
        };
        List<Object> items = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) items.add(Tuple.of(e.getKey(), e.getValue()));
        Comparator<Object> byKey = Comparator.comparing(x -> sortKey(((List<?>) x).get(pos), cs), JinjaFilters::order);
        items.sort(reverse ? byKey.reversed() : byKey);
        return items;
    }

    /** Python's round(): half to even on the exact binary value; an int with no precision stays an int. */
    private static Object round(Object v, Arguments a) {
        long precision = Py.toLong(a.get(0, "precision", 0L));
        String method = Py.str(a.get(1, "method", "common"));
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor"))
            throw new TemplateException("method must be common, ceil or floor");
        if (method.equals("common")) {
            if (Py.isInteger(v)) {
                long x = Py.toLong(v);
                if (precision >= 0) return x;
                return new BigDecimal(x).setScale((int) precision, RoundingMode.HALF_EVEN).longValue();
            }
            double d = Py.toDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) return d;
            return Math.copySign(new BigDecimal(d).setScale((int) precision, RoundingMode.HALF_EVEN).doubleValue(), d);
        }
        double scale = Math.pow(10, precision);
        double d = Py.toDouble(v) * scale;
        // math.ceil/floor give Python ints, which have no negative zero
        return ((method.equals("ceil") ? Math.ceil(d) : Math.floor(d)) + 0.0) / scale;
    }

    private static List<Object> select(Object v, List<Object> args, boolean keep, Object attribute) {
        if (!Py.truthy(v)) return new ArrayList<>(); // jinja2 yields nothing for None, an empty or undefined value
        String test = args.isEmpty() ? null : Py.str(args.get(0));
        List<Object> testArgs = args.size() > 1 ? args.subList(1, args.size()) : List.of();
        List<Object> out = new ArrayList<>();
        for (Object x : Py.iterate(v)) {
            Object value = attribute == null ? x : attr(x, attribute);
            boolean pass = test == null ? Py.truthy(value) : JinjaTests.test(test, value, testArgs);
            if (pass == keep) out.add(x);
        }
        return out;
    }

    private static List<Object> map(Object v, List<Object> args, Map<String, Object> kwargs) {
        List<Object> out = new ArrayList<>();
        if (!Py.truthy(v)) return out;
        if (args.isEmpty() && kwargs.containsKey("attribute")) {
            Object attribute = kwargs.get("attribute");
            boolean hasDefault = kwargs.containsKey("default");
            for (Object x : Py.iterate(v)) {
                Object r = attr(x, attribute);
                out.add(hasDefault && r instanceof Undefined ? kwargs.get("default") : r);
            }
            return out;
        }
        if (args.isEmpty()) throw new TemplateException("map() needs a filter name or attribute=");
        String filter = Py.str(args.get(0));
        List<Object> rest = args.subList(1, args.size());
        for (Object x : Py.iterate(v)) out.add(apply(filter, x, rest, kwargs));
        return out;
    }

    private static String tojson(Object v, Arguments a) {
        Object indent = a.get(0, "indent", null);
        boolean ensureAscii = Py.truthy(a.get(1, "ensure_ascii", false));
        Object separators = a.get(2, "separators", null);
        boolean sortKeys = Py.truthy(a.get(3, "sort_keys", false));
        String ind = indent == null ? null : indent instanceof String s ? s : " ".repeat((int) Math.max(0, Py.toLong(indent)));
        String item = ind == null ? ", " : ",", key = ": ";
        if (separators != null) {
            List<Object> seps = Py.iterate(separators);
            if (seps.size() != 2) throw new TemplateException("tojson(): separators must be an (item_separator, key_separator) pair");
            item = Py.str(seps.get(0));
            key = Py.str(seps.get(1));
        }
        return PyJson.dumps(v, new PyJson.Options(ind, item, key, sortKeys, ensureAscii));
    }

    private static String indent(String s, Arguments a) {
        Object width = a.get(0, "width", 4L);
        boolean first = Py.truthy(a.get(1, "first", false));
        boolean blank = Py.truthy(a.get(2, "blank", false));
        String pad = width instanceof String w ? w : " ".repeat((int) Math.max(0, Py.toLong(width)));
        List<Object> lines = PyStrings.splitlines(s + "\n", false);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = (String) lines.get(i);
            if (i > 0) {
                sb.append('\n');
                if (blank || !line.isEmpty()) sb.append(pad);
            }
            sb.append(line);
        }
        return first ? pad + sb : sb.toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
