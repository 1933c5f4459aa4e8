package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.JinjaAst.*;
import dev.fastdraft.models.chat.PyTypes.Callable;
import dev.fastdraft.models.chat.PyTypes.Namespace;
import dev.fastdraft.models.chat.PyTypes.Tuple;
import dev.fastdraft.models.chat.PyTypes.Undefined;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the parsed template and writes its output. Scopes follow jinja2: every loop iteration and every macro
 * call gets a fresh scope whose assignments vanish when it ends (hence {@code namespace()}); {@code if} opens
 * no scope; macros see the template's top-level variables, not their caller's.
 */
final class JinjaRenderer {
    private enum Flow { NEXT, BREAK, CONTINUE }

    private static final class Scope {
        final Scope parent;
        final Map<String, Object> vars = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) if (s.vars.containsKey(name)) return s.vars.get(name);
            return Undefined.name(name);
        }
    }

    /** Nested macro calls allowed: far beyond any chat template, and well within a 1 MB thread stack. */
    static final int MAX_MACRO_DEPTH = 100;

    private final Scope root;
    private int macroDepth;

    JinjaRenderer(Map<String, Object> globals, Map<String, Object> context) {
        Scope g = new Scope(null);
        g.vars.putAll(globals);
        this.root = new Scope(g);
        root.vars.putAll(context);
    }

    String render(List<Stmt> template) {
        StringBuilder out = new StringBuilder();
        run(template, root, out);
        return out.toString();
    }

    private Flow run(List<Stmt> body, Scope scope, StringBuilder out) {
        for (Stmt s : body) {
            Flow f;
            try {
                f = exec(s, scope, out);
            } catch (TemplateException e) {
                throw e.at(s.line());
            } catch (ArithmeticException e) {
                throw new TemplateException("integer overflow: " + e.getMessage(), s.line());
            }
            if (f != Flow.NEXT) return f;
        }
        return Flow.NEXT;
    }

    private Flow exec(Stmt stmt, Scope scope, StringBuilder out) {
        switch (stmt) {
            case Text t -> out.append(t.text());
            case Print p -> out.append(Py.str(eval(p.value(), scope)));
            case If i -> {
                return run(Py.truthy(eval(i.test(), scope)) ? i.then() : i.otherwise(), scope, out);
            }
            case For f -> forLoop(f, scope, out);
            case Set s -> assign(s.targets(), eval(s.value(), scope), scope);
            case SetAttr s -> {
                Object target = scope.lookup(s.object());
                if (!(target instanceof Namespace ns)) throw new TemplateException("cannot assign attribute on non-namespace object '" + s.object() + "'");
                ns.attrs.put(s.attribute(), eval(s.value(), scope));
            }
            case SetBlock s -> {
                StringBuilder captured = new StringBuilder();
                run(s.body(), scope, captured);
                scope.vars.put(s.target(), applyFilters(s.filters(), captured.toString(), scope));
            }
            case Macro m -> scope.vars.put(m.name(), macro(m, scope));
            case FilterBlock f -> {
                StringBuilder captured = new StringBuilder();
                run(f.body(), new Scope(scope), captured);
                out.append(Py.str(applyFilters(f.filters(), captured.toString(), scope)));
            }
            case With w -> {
                Scope inner = new Scope(scope);
                for (int i = 0; i < w.names().size(); i++) inner.vars.put(w.names().get(i), eval(w.values().get(i), scope));
                return run(w.body(), inner, out);
            }
            case Break b -> {
                return Flow.BREAK;
            }
            case Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NEXT;
    }

    private void assign(List<String> targets, Object value, Scope scope) {
        if (targets.size() == 1) {
            scope.vars.put(targets.get(0), value);
            return;
        }
        List<Object> items = Py.iterate(value);
        if (items.size() != targets.size())
            throw new TemplateException("cannot unpack " + items.size() + " values into " + targets.size() + " names");
        for (int i = 0; i < targets.size(); i++) scope.vars.put(targets.get(i), items.get(i));
    }

    private void forLoop(For f, Scope scope, StringBuilder out) {
        List<Object> items = Py.iterate(eval(f.iterable(), scope));
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(scope);
                assign(f.targets(), item, probe);
                if (Py.truthy(eval(f.filter(), probe))) kept.add(item);
            }
            items = kept;
        }
        Object[] lastChanged = {null};
        boolean completed = false;
        for (int i = 0; i < items.size(); i++) {
            Scope inner = new Scope(scope);
            assign(f.targets(), items.get(i), inner);
            inner.vars.put("loop", new Loop(items, i, lastChanged));
            Flow flow = run(f.body(), inner, out);
            if (flow == Flow.NEXT) completed = true;
            if (flow == Flow.BREAK) break;
        }
        // jinja2 runs the else block unless some iteration reached the end of the body
        if (!completed) run(f.otherwise(), new Scope(scope), out);
    }

    /** jinja2's {@code loop} variable. */
    static final class Loop {
        private final List<Object> items;
        private final int index;
        /** What the last {@code loop.changed(...)} of this loop was given, shared by its iterations (null: none yet). */
        private final Object[] lastChanged;

        Loop(List<Object> items, int index, Object[] lastChanged) {
            this.items = items;
            this.index = index;
            this.lastChanged = lastChanged;
        }

        @Override
        public String toString() {
            return "<LoopContext " + (index + 1) + "/" + items.size() + ">";
        }

        Object attribute(String name) {
            int n = items.size();
            return switch (name) {
                case "index" -> (long) index + 1;
                case "index0" -> (long) index;
                case "revindex" -> (long) (n - index);
                case "revindex0" -> (long) (n - index - 1);
                case "first" -> index == 0;
                case "last" -> index == n - 1;
                case "length" -> (long) n;
                case "depth" -> 1L; // only recursive loops, which are not supported, go deeper
                case "depth0" -> 0L;
                case "previtem" -> index > 0 ? items.get(index - 1) : new Undefined("there is no previous item");
                case "nextitem" -> index < n - 1 ? items.get(index + 1) : new Undefined("there is no next item");
                case "changed" -> (Callable) (args, kwargs) -> {
                    Tuple value = new Tuple(new ArrayList<>(args));
                    if (lastChanged[0] != null && Py.eq(lastChanged[0], value)) return false;
                    lastChanged[0] = value;
                    return true;
                };
                case "cycle" -> (Callable) (args, kwargs) -> {
                    if (args.isEmpty()) throw new TemplateException("no items for cycling given");
                    return args.get(index % args.size());
                };
                default -> PyMethods.ABSENT;
            };
        }
    }

    private Callable macro(Macro m, Scope definedIn) {
        // Free names resolve in the defining scope at call time (the template's top level, usually), as in jinja2.
        return (args, kwargs) -> {
            int n = m.params().size();
            if (args.size() > n && !m.varargs())
                throw new TemplateException("macro '" + m.name() + "' takes not more than " + n + " argument(s)");
            Scope s = new Scope(definedIn);
            int firstDefault = n - m.defaults().size();
            for (int i = 0; i < n; i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) v = args.get(i);
                else if (kwargs.containsKey(p)) v = kwargs.get(p);
                else if (i >= firstDefault) v = eval(m.defaults().get(i - firstDefault), s);
                else v = new Undefined("parameter '" + p + "' was not provided");
                s.vars.put(p, v);
            }
            Map<Object, Object> extra = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : kwargs.entrySet()) {
                if (m.params().contains(e.getKey())) continue;
                if (!m.kwargs()) throw new TemplateException("macro '" + m.name() + "' takes no keyword argument '" + e.getKey() + "'");
                extra.put(e.getKey(), e.getValue());
            }
            if (m.varargs()) s.vars.put("varargs", new Tuple(args.size() > n ? new ArrayList<>(args.subList(n, args.size())) : new ArrayList<>()));
            if (m.kwargs()) s.vars.put("kwargs", extra);
            // a macro that calls itself without end would overflow the Java stack; jinja2 stops at Python's recursion limit
            if (macroDepth >= MAX_MACRO_DEPTH) {
                throw new TemplateException("template recursion deeper than " + MAX_MACRO_DEPTH + " (macro " + m.name() + ")");
            }
            macroDepth++;
            try {
                StringBuilder out = new StringBuilder();
                run(m.body(), s, out);
                return out.toString();
            } finally {
                macroDepth--;
            }
        };
    }

    private Object applyFilters(List<Filter> filters, Object value, Scope scope) {
        for (Filter f : filters) value = filter(f, value, scope);
        return value;
    }

    // ---- expressions ----

    Object eval(Expr expr, Scope scope) {
        return switch (expr) {
            case Const c -> c.value();
            case Name n -> scope.lookup(n.name());
            case ListLit l -> {
                List<Object> items = new ArrayList<>(l.items().size());
                for (Expr e : l.items()) items.add(eval(e, scope));
                yield items;
            }
            case TupleLit t -> {
                List<Object> items = new ArrayList<>(t.items().size());
                for (Expr e : t.items()) items.add(eval(e, scope));
                yield new Tuple(items);
            }
            case DictLit d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    Object key = eval(d.keys().get(i), scope);
                    // 1, 1.0 and True are one key in Python: the first spelling stays, the last value wins
                    if (Py.isNumber(key)) for (Object k : m.keySet()) if (Py.isNumber(k) && Py.eq(k, key)) key = k;
                    m.put(key, eval(d.values().get(i), scope));
                }
                yield m;
            }
            case GetAttr g -> Py.getAttr(eval(g.object(), scope), g.name());
            case GetItem g -> Py.getItem(eval(g.object(), scope), eval(g.index(), scope));
            case Slice s -> Py.slice(eval(s.object(), scope), opt(s.start(), scope), opt(s.stop(), scope), opt(s.step(), scope));
            case Call c -> call(c, scope);
            case Filter f -> filter(f, eval(f.value(), scope), scope);
            case Test t -> {
                Object v = eval(t.value(), scope);
                List<Object> args = new ArrayList<>();
                for (Expr a : t.args()) args.add(eval(a, scope));
                boolean r = JinjaTests.test(t.name(), v, args);
                yield t.negated() != r;
            }
            case Unary u -> {
                Object v = eval(u.operand(), scope);
                if (u.op().equals("-")) yield Py.negate(v);
                if (v instanceof Undefined un) throw un.error();
                if (!Py.isNumber(v)) throw new TemplateException("bad operand type for unary +: '" + Py.typeName(v) + "'");
                yield v instanceof Boolean ? Py.toLong(v) : v;
            }
            case Binary b -> Py.arithmetic(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            case And a -> {
                Object l = eval(a.left(), scope);
                yield Py.truthy(l) ? eval(a.right(), scope) : l;
            }
            case Or o -> {
                Object l = eval(o.left(), scope);
                yield Py.truthy(l) ? l : eval(o.right(), scope);
            }
            case Not n -> !Py.truthy(eval(n.operand(), scope));
            case Compare c -> compare(c, scope);
            case Concat c -> {
                StringBuilder sb = new StringBuilder();
                for (Expr e : c.parts()) sb.append(Py.str(eval(e, scope)));
                yield sb.toString();
            }
            case CondExpr c -> Py.truthy(eval(c.test(), scope)) ? eval(c.then(), scope)
                    : c.otherwise() == null ? new Undefined("the inline if-expression evaluated to false and no else section was defined")
                    : eval(c.otherwise(), scope);
        };
    }

    private Object opt(Expr e, Scope scope) {
        if (e == null) return null;
        Object v = eval(e, scope);
        if (v instanceof Undefined u) throw u.error();
        return v;
    }

    private Object compare(Compare c, Scope scope) {
        Object left = eval(c.operands().get(0), scope);
        for (int i = 0; i < c.ops().size(); i++) {
            Object right = eval(c.operands().get(i + 1), scope);
            String op = c.ops().get(i);
            boolean r = switch (op) {
                case "==" -> Py.eq(left, right);
                case "!=" -> !Py.eq(left, right);
                case "<" -> Py.compare(left, right, op) < 0;
                case "<=" -> Py.compare(left, right, op) <= 0;
                case ">" -> Py.compare(left, right, op) > 0;
                case ">=" -> Py.compare(left, right, op) >= 0;
                case "in" -> Py.contains(right, left);
                case "not in" -> !Py.contains(right, left);
                default -> throw new IllegalStateException(op);
            };
            if (!r) return false;
            left = right;
        }
        return true;
    }

    private Object call(Call c, Scope scope) {
        Object fn = eval(c.function(), scope);
        List<Object> args = new ArrayList<>(c.args().size());
        for (Expr a : c.args()) args.add(eval(a, scope));
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int i = 0; i < c.kwNames().size(); i++) kwargs.put(c.kwNames().get(i), eval(c.kwValues().get(i), scope));
        if (fn instanceof Undefined u) throw u.error();
        if (!(fn instanceof Callable f)) throw new TemplateException("'" + Py.typeName(fn) + "' object is not callable");
        return f.call(args, kwargs);
    }

    private Object filter(Filter f, Object value, Scope scope) {
        List<Object> args = new ArrayList<>(f.args().size());
        for (Expr a : f.args()) args.add(eval(a, scope));
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (int i = 0; i < f.kwNames().size(); i++) kwargs.put(f.kwNames().get(i), eval(f.kwValues().get(i), scope));
        return JinjaFilters.apply(f.name(), value, args, kwargs);
    }
}
