package dev.fastdraft.models.chat;

import dev.fastdraft.models.chat.JinjaAst.*;
import dev.fastdraft.models.chat.JinjaLexer.Kind;
import dev.fastdraft.models.chat.JinjaLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive descent over the lexer's tokens, following jinja2's grammar and operator precedence (loosest first):
 * conditional expression, {@code or}, {@code and}, {@code not}, comparisons and {@code in}, {@code + -},
 * {@code ~}, {@code * / // %}, {@code **} (left-associative, as in jinja2), unary {@code - +}, then postfix
 * attribute, subscript and call, with filters and tests applied around the unary expression.
 */
final class JinjaParser {
    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final List<Token> tokens;
    private int pos;
    /** Names read in the template so far: a macro whose body reads varargs or kwargs collects extra arguments. */
    private java.util.Set<String> names = new java.util.HashSet<>();

    private JinjaParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Stmt> parse(String template) {
        JinjaParser p = new JinjaParser(JinjaLexer.tokenize(template));
        List<Stmt> body = p.body(Set.of());
        if (p.peek().kind() != Kind.EOF) {
            Token t = p.tokens.get(p.pos + 1);
            throw new TemplateException("unexpected '" + t.text() + "' tag: nothing is open that it could close", t.line());
        }
        return body;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        return tokens.get(pos++);
    }

    private boolean skipOp(String op) {
        if (peek().isOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean skipName(String name) {
        if (peek().isName(name)) {
            pos++;
            return true;
        }
        return false;
    }

    private Token expectOp(String op) {
        Token t = next();
        if (!t.isOp(op)) throw error("expected '" + op + "'", t);
        return t;
    }

    private String expectName() {
        Token t = next();
        if (t.kind() != Kind.NAME) throw error("expected a name", t);
        return t.text();
    }

    private void expectBlockEnd() {
        Token t = next();
        if (t.kind() != Kind.BLOCK_END) throw error("expected the end of the tag '%}'", t);
    }

    private static TemplateException error(String what, Token t) {
        String found = switch (t.kind()) {
            case EOF -> "the end of the template";
            case BLOCK_END, VAR_END -> "the end of the tag";
            case TEXT -> "text";
            default -> "'" + t.text() + "'";
        };
        return new TemplateException(what + ", found " + found, t.line());
    }

    /** Statements up to (not including) a block tag whose keyword is in {@code ends}, or the end of input. */
    private List<Stmt> body(Set<String> ends) {
        List<Stmt> out = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF -> {
                    if (!ends.isEmpty()) throw new TemplateException("missing {% " + String.join(" / ", ends) + " %}", t.line());
                    return out;
                }
                case TEXT -> {
                    pos++;
                    out.add(new Text(t.text(), t.line()));
                }
                case VAR_BEGIN -> {
                    pos++;
                    Expr e = tuple(true);
                    Token end = next();
                    if (end.kind() != Kind.VAR_END) throw error("expected the end of the expression '}}'", end);
                    out.add(new Print(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token kw = tokens.get(pos + 1);
                    if (kw.kind() == Kind.NAME && ends.contains(kw.text())) return out;
                    pos += 2;
                    if (kw.kind() != Kind.NAME) throw error("expected a tag name", kw);
                    out.add(statement(kw));
                }
                default -> throw error("unexpected token", t);
            }
        }
    }

    /** Consumes {% name %} where name is the keyword {@link #body} stopped at; returns it. */
    private String endTag() {
        next();
        return next().text();
    }

    private Stmt statement(Token kw) {
        int line = kw.line();
        switch (kw.text()) {
            case "if" -> {
                return ifChain(line);
            }
            case "for" -> {
                List<String> targets = targets();
                if (!skipName("in")) throw error("expected 'in' in the for tag", peek());
                Expr iterable = tuple(false);
                Expr filter = skipName("if") ? expression(true) : null;
                if (skipName("recursive")) throw new TemplateException("recursive loops are not supported", line);
                expectBlockEnd();
                List<Stmt> body = body(Set.of("endfor", "else"));
                List<Stmt> otherwise = List.of();
                if (endTag().equals("else")) {
                    expectBlockEnd();
                    otherwise = body(Set.of("endfor"));
                    endTag();
                }
                expectBlockEnd();
                return new For(targets, iterable, filter, body, otherwise, line);
            }
            case "set" -> {
                String first = expectName();
                if (skipOp(".")) {
                    String attr = expectName();
                    expectOp("=");
                    Expr value = tuple(true);
                    expectBlockEnd();
                    return new SetAttr(first, attr, value, line);
                }
                List<String> targets = new ArrayList<>(List.of(first));
                while (skipOp(",")) {
                    if (peek().isOp("=")) break;
                    targets.add(expectName());
                }
                if (skipOp("=")) {
                    Expr value = tuple(true);
                    expectBlockEnd();
                    return new JinjaAst.Set(targets, value, line);
                }
                if (targets.size() != 1) throw error("expected '='", peek());
                List<Filter> filters = filterChain();
                expectBlockEnd();
                List<Stmt> body = body(Set.of("endset"));
                endTag();
                expectBlockEnd();
                return new SetBlock(first, filters, body, line);
            }
            case "macro" -> {
                String name = expectName();
                expectOp("(");
                List<String> params = new ArrayList<>();
                List<Expr> defaults = new ArrayList<>();
                while (!skipOp(")")) {
                    if (!params.isEmpty()) expectOp(",");
                    if (skipOp(")")) break;
                    params.add(expectName());
                    if (skipOp("=")) defaults.add(expression(true));
                    else if (!defaults.isEmpty()) throw error("a macro parameter without a default follows one with a default", peek());
                }
                expectBlockEnd();
                java.util.Set<String> outer = names;
                names = new java.util.HashSet<>();
                List<Stmt> body = body(Set.of("endmacro"));
                boolean varargs = names.contains("varargs"), kwargs = names.contains("kwargs");
                outer.addAll(names);
                names = outer;
                endTag();
                expectBlockEnd();
                return new Macro(name, params, defaults, body, varargs, kwargs, line);
            }
            case "filter" -> {
                List<Filter> filters = new ArrayList<>();
                filters.add(filterCall(null, line));
                filters.addAll(filterChain());
                expectBlockEnd();
                List<Stmt> body = body(Set.of("endfilter"));
                endTag();
                expectBlockEnd();
                return new FilterBlock(filters, body, line);
            }
            case "with" -> {
                List<String> names = new ArrayList<>();
                List<Expr> values = new ArrayList<>();
                while (peek().kind() != Kind.BLOCK_END) {
                    if (!names.isEmpty()) expectOp(",");
                    names.add(expectName());
                    expectOp("=");
                    values.add(expression(true));
                }
                expectBlockEnd();
                List<Stmt> body = body(Set.of("endwith"));
                endTag();
                expectBlockEnd();
                return new With(names, values, body, line);
            }
            case "generation" -> {
                // Hugging Face's AssistantTracker tag marks assistant text for masks; it renders its body unchanged.
                expectBlockEnd();
                List<Stmt> body = body(Set.of("endgeneration"));
                endTag();
                expectBlockEnd();
                return new If(new Const(Boolean.TRUE, line), body, List.of(), line);
            }
            case "break" -> {
                expectBlockEnd();
                return new Break(line);
            }
            case "continue" -> {
                expectBlockEnd();
                return new Continue(line);
            }
            default -> throw new TemplateException("unknown or unsupported tag '" + kw.text() + "'", line);
        }
    }

    private If ifChain(int line) {
        Expr test = tuple(false);
        expectBlockEnd();
        List<Stmt> then = body(Set.of("elif", "else", "endif"));
        String end = endTag();
        int at = tokens.get(pos - 1).line();
        List<Stmt> otherwise = List.of();
        if (end.equals("elif")) {
            otherwise = List.of(ifChain(at));
            return new If(test, then, otherwise, line);
        }
        if (end.equals("else")) {
            expectBlockEnd();
            otherwise = body(Set.of("endif"));
            endTag();
        }
        expectBlockEnd();
        return new If(test, then, otherwise, line);
    }

    /** Loop targets: {@code x}, {@code k, v} or {@code (k, v)}. */
    private List<String> targets() {
        List<String> names = new ArrayList<>();
        boolean paren = skipOp("(");
        do {
            if (peek().isName("in")) break;
            names.add(expectName());
        } while (skipOp(","));
        if (paren) expectOp(")");
        if (names.isEmpty()) throw error("expected a loop variable", peek());
        return names;
    }

    private List<Filter> filterChain() {
        List<Filter> filters = new ArrayList<>();
        while (skipOp("|")) filters.add(filterCall(null, peek().line()));
        return filters;
    }

    // ---- expressions ----

    /** Comma-separated expressions form a tuple; one without a trailing comma is itself. */
    private Expr tuple(boolean withCondExpr) {
        int line = peek().line();
        List<Expr> items = new ArrayList<>();
        boolean comma = false;
        while (true) {
            if (!items.isEmpty()) {
                if (!skipOp(",")) break;
                comma = true;
                if (endsTuple()) break;
            }
            items.add(expression(withCondExpr));
        }
        return comma ? new TupleLit(items, line) : items.get(0);
    }

    private boolean endsTuple() {
        Token t = peek();
        return t.kind() == Kind.VAR_END || t.kind() == Kind.BLOCK_END || t.isOp(")") || t.isOp("=") || t.isName("in")
                || t.isName("if") || t.isName("recursive");
    }

    private Expr expression(boolean withCondExpr) {
        return withCondExpr ? condExpr() : or();
    }

    private Expr condExpr() {
        Expr e = or();
        while (peek().isName("if")) {
            int line = next().line();
            Expr test = or();
            Expr otherwise = skipName("else") ? condExpr() : null;
            e = new CondExpr(test, e, otherwise, line);
        }
        return e;
    }

    private Expr or() {
        Expr e = and();
        while (peek().isName("or")) {
            int line = next().line();
            e = new Or(e, and(), line);
        }
        return e;
    }

    private Expr and() {
        Expr e = not();
        while (peek().isName("and")) {
            int line = next().line();
            e = new And(e, not(), line);
        }
        return e;
    }

    private Expr not() {
        if (peek().isName("not")) {
            int line = next().line();
            return new Not(not(), line);
        }
        return compare();
    }

    private Expr compare() {
        int line = peek().line();
        Expr first = math1();
        List<Expr> operands = new ArrayList<>(List.of(first));
        List<String> ops = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OP && COMPARE.contains(t.text())) {
                pos++;
                ops.add(t.text());
            } else if (t.isName("in")) {
                pos++;
                ops.add("in");
            } else if (t.isName("not") && tokens.get(pos + 1).isName("in")) {
                pos += 2;
                ops.add("not in");
            } else break;
            operands.add(math1());
        }
        return ops.isEmpty() ? first : new Compare(operands, ops, line);
    }

    private Expr math1() {
        Expr e = concat();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token op = next();
            e = new Binary(op.text(), e, concat(), op.line());
        }
        return e;
    }

    private Expr concat() {
        int line = peek().line();
        List<Expr> parts = new ArrayList<>(List.of(math2()));
        while (skipOp("~")) parts.add(math2());
        return parts.size() == 1 ? parts.get(0) : new Concat(parts, line);
    }

    private Expr math2() {
        Expr e = pow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            Token op = next();
            e = new Binary(op.text(), e, pow(), op.line());
        }
        return e;
    }

    private Expr pow() {
        Expr e = unary(true);
        while (peek().isOp("**")) {
            Token op = next();
            e = new Binary("**", e, unary(true), op.line());
        }
        return e;
    }

    private Expr unary(boolean withFilter) {
        Token t = peek();
        Expr e;
        if (t.isOp("-") || t.isOp("+")) {
            pos++;
            e = new Unary(t.text(), unary(false), t.line());
        } else {
            e = postfix(primary());
        }
        return withFilter ? filterExpr(e) : e;
    }

    private Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Const(Boolean.TRUE, t.line());
                    case "false", "False" -> new Const(Boolean.FALSE, t.line());
                    case "none", "None" -> new Const(null, t.line());
                    default -> {
                        names.add(t.text());
                        yield new Name(t.text(), t.line());
                    }
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder((String) t.value());
                while (peek().kind() == Kind.STRING) sb.append((String) next().value());
                return new Const(sb.toString(), t.line());
            }
            case INT, FLOAT -> {
                return new Const(t.value(), t.line());
            }
            case OP -> {
                switch (t.text()) {
                    case "(" -> {
                        if (skipOp(")")) return new TupleLit(List.of(), t.line());
                        Expr e = tuple(true);
                        expectOp(")");
                        return e;
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!skipOp("]")) {
                            if (!items.isEmpty()) {
                                expectOp(",");
                                if (skipOp("]")) break;
                            }
                            items.add(expression(true));
                        }
                        return new ListLit(items, t.line());
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>(), values = new ArrayList<>();
                        while (!skipOp("}")) {
                            if (!keys.isEmpty()) {
                                expectOp(",");
                                if (skipOp("}")) break;
                            }
                            keys.add(expression(true));
                            expectOp(":");
                            values.add(expression(true));
                        }
                        return new DictLit(keys, values, t.line());
                    }
                    default -> {
                    }
                }
            }
            default -> {
            }
        }
        throw error("expected an expression", t);
    }

    private Expr postfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp(".")) {
                pos++;
                Token name = next();
                if (name.kind() == Kind.NAME) e = new GetAttr(e, name.text(), name.line());
                else if (name.kind() == Kind.INT) e = new GetItem(e, new Const(name.value(), name.line()), name.line());
                else throw error("expected an attribute name after '.'", name);
            } else if (t.isOp("[")) {
                pos++;
                e = subscript(e, t.line());
            } else if (t.isOp("(")) {
                pos++;
                e = call(e, t.line());
            } else return e;
        }
    }

    private Expr filterExpr(Expr e) {
        while (true) {
            Token t = peek();
            if (t.isOp("|")) {
                pos++;
                e = filterCall(e, t.line());
            } else if (t.isName("is")) {
                pos++;
                e = test(e, t.line());
            } else if (t.isOp("(")) {
                pos++;
                e = call(e, t.line());
            } else return e;
        }
    }

    private Expr subscript(Expr object, int line) {
        Expr start = null, stop = null, step = null;
        boolean slice = false;
        if (!peek().isOp(":")) start = expression(true);
        if (skipOp(":")) {
            slice = true;
            if (!peek().isOp("]") && !peek().isOp(":")) stop = expression(true);
            if (skipOp(":") && !peek().isOp("]")) step = expression(true);
        } else if (peek().isOp(",")) {
            List<Expr> items = new ArrayList<>(List.of(start));
            while (skipOp(",") && !peek().isOp("]")) items.add(expression(true));
            start = new TupleLit(items, line);
        }
        expectOp("]");
        return slice ? new Slice(object, start, stop, step, line) : new GetItem(object, start, line);
    }

    private Call call(Expr function, int line) {
        Args a = args();
        return new Call(function, a.positional, a.names, a.values, line);
    }

    private record Args(List<Expr> positional, List<String> names, List<Expr> values) {}

    /** Arguments after '(' up to and including ')'. */
    private Args args() {
        Args a = new Args(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        boolean first = true;
        while (!skipOp(")")) {
            if (!first) {
                expectOp(",");
                if (skipOp(")")) break;
            }
            first = false;
            if (peek().kind() == Kind.NAME && tokens.get(pos + 1).isOp("=")) {
                a.names.add(next().text());
                pos++;
                a.values.add(expression(true));
            } else {
                if (!a.names.isEmpty()) throw error("a positional argument follows a keyword argument", peek());
                a.positional.add(expression(true));
            }
        }
        return a;
    }

    private Filter filterCall(Expr value, int line) {
        StringBuilder name = new StringBuilder(expectName());
        while (skipOp(".")) name.append('.').append(expectName());
        Args a = skipOp("(") ? args() : new Args(List.of(), List.of(), List.of());
        return new Filter(value, name.toString(), a.positional, a.names, a.values, line);
    }

    private Expr test(Expr value, int line) {
        boolean negated = skipName("not");
        StringBuilder name = new StringBuilder(expectName());
        while (skipOp(".")) name.append('.').append(expectName());
        List<Expr> args = new ArrayList<>();
        Token t = peek();
        if (t.isOp("(")) {
            pos++;
            Args a = args();
            if (!a.names.isEmpty()) throw new TemplateException("keyword arguments to tests are not supported", line);
            args.addAll(a.positional);
        } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INT || t.kind() == Kind.FLOAT
                || t.isOp("[") || t.isOp("{") || t.isOp("(")) && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) throw error("unexpected 'is'", t);
            args.add(postfix(primary()));
        }
        return new Test(value, name.toString(), args, negated, line);
    }
}
