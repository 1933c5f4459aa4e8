package dev.fastdraft.models.chat;

import java.util.List;

/** The parsed template: statements that write output, and the expressions they evaluate. */
final class JinjaAst {
    private JinjaAst() {
    }

    sealed interface Stmt permits Text, Print, If, For, Set, SetAttr, SetBlock, Macro, FilterBlock, With, Break, Continue {
        int line();
    }

    record Text(String text, int line) implements Stmt {}

    record Print(Expr value, int line) implements Stmt {}

    /** {@code elif} chains are nested Ifs in {@code otherwise}. */
    record If(Expr test, List<Stmt> then, List<Stmt> otherwise, int line) implements Stmt {}

    /** {@code targets} has one name, or several to unpack each item; {@code filter} is the optional {@code if}. */
    record For(List<String> targets, Expr iterable, Expr filter, List<Stmt> body, List<Stmt> otherwise, int line) implements Stmt {}

    /** {@code {% set a = x %}} or {@code {% set a, b = x, y %}}. */
    record Set(List<String> targets, Expr value, int line) implements Stmt {}

    /** {@code {% set ns.attr = x %}}: writes into a namespace object. */
    record SetAttr(String object, String attribute, Expr value, int line) implements Stmt {}

    /** {@code {% set a %}...{% endset %}}, with optional filters applied to the captured text. */
    record SetBlock(String target, List<Filter> filters, List<Stmt> body, int line) implements Stmt {}

    /** {@code varargs}/{@code kwargs}: the body uses those names, so extra arguments are collected into them. */
    record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body, boolean varargs, boolean kwargs, int line) implements Stmt {}

    record FilterBlock(List<Filter> filters, List<Stmt> body, int line) implements Stmt {}

    record With(List<String> names, List<Expr> values, List<Stmt> body, int line) implements Stmt {}

    record Break(int line) implements Stmt {}

    record Continue(int line) implements Stmt {}

    sealed interface Expr permits Const, Name, ListLit, TupleLit, DictLit, GetAttr, GetItem, Slice, Call, Filter, Test,
            Unary, Binary, And, Or, Not, Compare, Concat, CondExpr {
        int line();
    }

    record Const(Object value, int line) implements Expr {}

    record Name(String name, int line) implements Expr {}

    record ListLit(List<Expr> items, int line) implements Expr {}

    record TupleLit(List<Expr> items, int line) implements Expr {}

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr {}

    record GetAttr(Expr object, String name, int line) implements Expr {}

    record GetItem(Expr object, Expr index, int line) implements Expr {}

    /** {@code x[start:stop:step]}; absent parts are null. */
    record Slice(Expr object, Expr start, Expr stop, Expr step, int line) implements Expr {}

    record Call(Expr function, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int line) implements Expr {}

    /** {@code value | name(args)}; {@code value} is null inside filter blocks and block sets. */
    record Filter(Expr value, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int line) implements Expr {}

    record Test(Expr value, String name, List<Expr> args, boolean negated, int line) implements Expr {}

    /** {@code -x} or {@code +x}. */
    record Unary(String op, Expr operand, int line) implements Expr {}

    /** Arithmetic: {@code + - * / // % **}. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr {}

    record And(Expr left, Expr right, int line) implements Expr {}

    record Or(Expr left, Expr right, int line) implements Expr {}

    record Not(Expr operand, int line) implements Expr {}

    /** A chain such as {@code a < b <= c}: ops[i] compares operand i with operand i + 1. */
    record Compare(List<Expr> operands, List<String> ops, int line) implements Expr {}

    /** {@code a ~ b ~ c}: the string forms joined. */
    record Concat(List<Expr> parts, int line) implements Expr {}

    /** {@code then if test else otherwise}; {@code otherwise} may be null (undefined). */
    record CondExpr(Expr test, Expr then, Expr otherwise, int line) implements Expr {}
}
