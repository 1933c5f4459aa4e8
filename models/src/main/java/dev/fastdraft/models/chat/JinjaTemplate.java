package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.JinjaAst.Stmt;
import dev.fastdraft.models.chat.PyTypes.Arguments;
import dev.fastdraft.models.chat.PyTypes.Callable;
import dev.fastdraft.models.chat.PyTypes.Namespace;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A compiled Jinja template in the dialect Hugging Face chat templates are written in: jinja2 3.x with
 * {@code trim_blocks}, {@code lstrip_blocks}, the loop controls extension, the immutable sandbox, and the
 * globals {@code raise_exception} and {@code strftime_now}. Context values are plain JSON-like Java data
 * (String, Long or Integer, Double, Boolean, null, List, Map).
 */
public final class JinjaTemplate {
    private final List<Stmt> body;

    private JinjaTemplate(List<Stmt> body) {
        this.body = body;
    }

    /** Parses {@code source}; a syntax error is a {@link TemplateException} naming the line. */
    public static JinjaTemplate compile(String source) {
        try {
            return new JinjaTemplate(JinjaParser.parse(source));
        } catch (StackOverflowError e) {
            // the parser descends once per nesting level: thousands of brackets or blocks exhaust the stack
            throw new TemplateException("template nested too deeply to parse");
        }
    }

    public String render(Map<String, ?> context) {
        return render(context, LocalDateTime::now);
    }

    /** Renders with {@code clock} behind {@code strftime_now}, so that output can be reproduced. */
    public String render(Map<String, ?> context, Supplier<LocalDateTime> clock) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : context.entrySet()) vars.put(e.getKey(), normalize(e.getValue()));
        return new JinjaRenderer(globals(clock), vars).render(body);
    }

    /** Integers become Long and collections mutable-free copies, so that templates see one kind of each. */
    private static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return f.doubleValue();
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(normalize(o));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), normalize(e.getValue()));
            return out;
        }
        return v;
    }

    private static Map<String, Object> globals(Supplier<LocalDateTime> clock) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("range", (Callable) JinjaTemplate::range);
        g.put("namespace", (Callable) (args, kwargs) -> {
            Namespace ns = new Namespace();
            for (Object a : args) {
                if (!(a instanceof Map<?, ?> m)) throw new TemplateException("namespace() takes keyword arguments or a dict");
                for (Map.Entry<?, ?> e : m.entrySet()) ns.attrs.put(Py.str(e.getKey()), e.getValue());
            }
            ns.attrs.putAll(kwargs);
            return ns;
        });
        g.put("dict", (Callable) (args, kwargs) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Object a : args) {
                if (!(a instanceof Map<?, ?> src)) throw new TemplateException("dict() takes keyword arguments or a dict");
                m.putAll(src);
            }
            m.putAll(kwargs);
            return m;
        });
        g.put("raise_exception", (Callable) (args, kwargs) -> {
            throw new TemplateException(Py.str(new Arguments("raise_exception", args, kwargs).required(0, "message")));
        });
        g.put("strftime_now", (Callable) (args, kwargs) ->
                Strftime.format(Py.str(new Arguments("strftime_now", args, kwargs).required(0, "format")), clock.get()));
        return g;
    }

    private static Object range(List<Object> args, Map<String, Object> kwargs) {
        if (!kwargs.isEmpty()) throw new TemplateException("range() takes no keyword arguments");
        long start = 0, stop, step = 1;
        switch (args.size()) {
            case 1 -> stop = Py.toLong(args.get(0));
            case 2, 3 -> {
                start = Py.toLong(args.get(0));
                stop = Py.toLong(args.get(1));
                if (args.size() == 3) step = Py.toLong(args.get(2));
            }
            default -> throw new TemplateException("range expected 1 to 3 arguments, got " + args.size());
        }
        if (step == 0) throw new TemplateException("range() arg 3 must not be zero");
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
            if (out.size() > 1_000_000) throw new TemplateException("range too big: more than 1,000,000 items");
        }
        return out;
    }
}
