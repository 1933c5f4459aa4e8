package dev.fastdraft.models.chat;

import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a template sees beyond plain JSON data (String, Long, Double, Boolean, null, List, Map): Python's
 * tuple, jinja2's Undefined, {@code namespace()} objects and callables (macros, globals, bound methods).
 */
final class PyTypes {
    private PyTypes() {
    }

    /** A missing variable, attribute or item. Printing it gives "", testing it gives false; using it further fails. */
    record Undefined(String hint) {
        TemplateException error() {
            return new TemplateException(hint);
        }

        static Undefined name(String name) {
            return new Undefined("'" + name + "' is undefined");
        }

        static Undefined attribute(Object owner, String name) {
            return new Undefined("'" + Py.typeName(owner) + " object' has no attribute '" + name + "'");
        }
    }

    /** Python's tuple: an immutable list that prints with parentheses. */
    static final class Tuple extends AbstractList<Object> {
        private final List<Object> items;

        Tuple(List<Object> items) {
            this.items = items;
        }

        static Tuple of(Object... items) {
            return new Tuple(java.util.Arrays.asList(items));
        }

        @Override
        public Object get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    /** jinja2's {@code namespace(...)}: the one mutable object, so that a loop can carry state out. */
    static final class Namespace {
        final Map<String, Object> attrs = new LinkedHashMap<>();
    }

    @FunctionalInterface
    interface Callable {
        Object call(List<Object> args, Map<String, Object> kwargs);
    }

    /** Positional-or-keyword argument access for built-in callables, with Python-style errors. */
    record Arguments(String function, List<Object> args, Map<String, Object> kwargs) {
        Object get(int index, String name, Object fallback) {
            if (index < args.size()) {
                if (kwargs.containsKey(name)) throw new TemplateException(function + "() got multiple values for argument '" + name + "'");
                return args.get(index);
            }
            return kwargs.containsKey(name) ? kwargs.get(name) : fallback;
        }

        Object required(int index, String name) {
            Object v = get(index, name, MISSING);
            if (v == MISSING) throw new TemplateException(function + "() missing required argument '" + name + "'");
            return v;
        }

        void atMost(int positional, String... names) {
            if (args.size() > positional)
                throw new TemplateException(function + "() takes at most " + positional + " positional arguments (" + args.size() + " given)");
            outer:
            for (String k : kwargs.keySet()) {
                for (String n : names) if (n.equals(k)) continue outer;
                throw new TemplateException(function + "() got an unexpected keyword argument '" + k + "'");
            }
        }

        private static final Object MISSING = new Object();
    }
}
