package dev.fastdraft.models.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Jinja template into text and tag tokens the way jinja2's lexer does with the settings Hugging Face
 * uses for chat templates: {@code trim_blocks} (the first newline after a block tag or comment is dropped),
 * {@code lstrip_blocks} (spaces and tabs between a line start and a block tag or comment are dropped), the
 * {@code -}/{@code +} whitespace modifiers, and one trailing newline of the template dropped
 * ({@code keep_trailing_newline=False}). Newlines are normalised to {@code \n} first, as jinja2 does.
 */
final class JinjaLexer {
    enum Kind { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    record Token(Kind kind, String text, Object value, int line) {
        boolean is(Kind k, String t) {
            return kind == k && text.equals(t);
        }

        boolean isName(String t) {
            return is(Kind.NAME, t);
        }

        boolean isOp(String t) {
            return is(Kind.OP, t);
        }
    }

    private static final String[] OPERATORS = {"//", "**", "==", "!=", "<=", ">=",
            "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "<", ">", "=", ".", ":", "|", ",", ";"};

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    private boolean lineStarting = true;

    private JinjaLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String template) {
        JinjaLexer lx = new JinjaLexer(normalizeNewlines(template));
        lx.run();
        return lx.out;
    }

    /** jinja2 splits on \r\n, \r and \n, drops one final empty line, and joins with \n. */
    static String normalizeNewlines(String s) {
        String n = s.replace("\r\n", "\n").replace('\r', '\n');
        return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
    }

    private void run() {
        while (pos < src.length()) {
            int start = nextTagStart(pos);
            if (start < 0) {
                text(src.substring(pos));
                pos = src.length();
                break;
            }
            char type = src.charAt(start + 1);
            int after = start + 2;
            char sign = after < src.length() ? src.charAt(after) : 0;
            boolean hasSign = sign == '-' || sign == '+';
            String text = src.substring(pos, start);
            if (sign == '-') text = Py.rstrip(text, null);
            else if (sign != '+' && type != '{') text = lstripBlock(text);
            text(text);
            line += count(src, pos, start);
            pos = after + (hasSign ? 1 : 0);
            switch (type) {
                case '#' -> comment();
                case '{' -> tag(Kind.VAR_BEGIN, Kind.VAR_END, "}}");
                default -> {
                    if (!raw()) tag(Kind.BLOCK_BEGIN, Kind.BLOCK_END, "%}");
                }
            }
        }
        out.add(new Token(Kind.EOF, "", null, line));
    }

    private int nextTagStart(int from) {
        int i = src.indexOf('{', from);
        while (i >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
            i = src.indexOf('{', i + 1);
        }
        return -1;
    }

    /** lstrip_blocks: whitespace from the last line start up to the tag goes. */
    private String lstripBlock(String text) {
        int l = text.lastIndexOf('\n') + 1;
        if (l == 0 && !lineStarting) return text;
        if (l == text.length()) return text;
        for (int i = l; i < text.length(); i++) if (!Py.isSpace(text.charAt(i))) return text;
        return text.substring(0, l);
    }

    private void text(String t) {
        if (t.isEmpty()) return;
        int n = out.size();
        if (n > 0 && out.get(n - 1).kind() == Kind.TEXT) {
            Token prev = out.remove(n - 1);
            out.add(new Token(Kind.TEXT, prev.text() + t, null, prev.line()));
        } else {
            out.add(new Token(Kind.TEXT, t, null, line));
        }
    }

    private void comment() {
        int startLine = line;
        int end = src.indexOf("#}", pos);
        if (end < 0) throw new TemplateException("comment is not closed with '#}'", startLine);
        char sign = end > pos && (src.charAt(end - 1) == '-' || src.charAt(end - 1) == '+') ? src.charAt(end - 1) : 0;
        line += count(src, pos, end);
        pos = end + 2;
        finishTag(sign, true);
    }

    /** After a tag's closing delimiter: '-' eats all whitespace, '+' keeps it, else trim_blocks eats one \n. */
    private void finishTag(char sign, boolean block) {
        int from = pos;
        if (sign == '-') {
            while (pos < src.length() && Py.isSpace(src.charAt(pos))) pos++;
        } else if (sign != '+' && block && pos < src.length() && src.charAt(pos) == '\n') {
            pos++;
        }
        line += count(src, from, pos);
        lineStarting = pos > from && src.charAt(pos - 1) == '\n';
    }

    /** {@code {% raw %}...{% endraw %}}: the body is text, tags and all. */
    private boolean raw() {
        int p = skipSpace(pos);
        if (!src.startsWith("raw", p) || (p + 3 < src.length() && isNameChar(src.charAt(p + 3)))) return false;
        int q = skipSpace(p + 3);
        char sign = 0;
        if (src.startsWith("-%}", q)) sign = '-';
        else if (!src.startsWith("%}", q)) return false;
        pos = q + (sign == '-' ? 3 : 2);
        if (sign == '-') while (pos < src.length() && Py.isSpace(src.charAt(pos))) pos++;
        int search = pos;
        while (true) {
            int s = src.indexOf("{%", search);
            if (s < 0) throw new TemplateException("'raw' block is not closed with '{% endraw %}'", line);
            int a = s + 2;
            char endSign = a < src.length() && (src.charAt(a) == '-' || src.charAt(a) == '+') ? src.charAt(a) : 0;
            int k = skipSpace(a + (endSign != 0 ? 1 : 0));
            if (!src.startsWith("endraw", k)) {
                search = s + 2;
                continue;
            }
            int e = skipSpace(k + 6);
            char close = 0;
            if (src.startsWith("-%}", e) || src.startsWith("+%}", e)) close = src.charAt(e);
            else if (!src.startsWith("%}", e)) throw new TemplateException("expected '%}' after 'endraw'", line);
            String body = src.substring(pos, s);
            if (endSign == '-') body = Py.rstrip(body, null);
            else if (endSign != '+') {
                lineStarting = false;
                body = lstripBlock(body);
            }
            text(body);
            line += count(src, pos, e);
            pos = e + (close != 0 ? 3 : 2);
            finishTag(close, true);
            return true;
        }
    }

    private void tag(Kind begin, Kind end, String closer) {
        out.add(new Token(begin, closer.equals("}}") ? "{{" : "{%", null, line));
        int depth = 0;
        while (true) {
            int p = pos;
            while (p < src.length() && Py.isSpace(src.charAt(p))) {
                if (src.charAt(p) == '\n') line++;
                p++;
            }
            pos = p;
            if (pos >= src.length()) throw new TemplateException("tag is not closed with '" + closer + "'", line);
            if (depth == 0) {
                char c = src.charAt(pos);
                if ((c == '-' || c == '+') && src.startsWith(closer, pos + 1) && (c == '-' || end == Kind.BLOCK_END)) {
                    out.add(new Token(end, closer, null, line));
                    pos += 3;
                    finishTag(c, end == Kind.BLOCK_END);
                    return;
                }
                if (src.startsWith(closer, pos)) {
                    out.add(new Token(end, closer, null, line));
                    pos += 2;
                    finishTag((char) 0, end == Kind.BLOCK_END);
                    return;
                }
            }
            char c = src.charAt(pos);
            if (c == '\'' || c == '"') string(c);
            else if (Character.isDigit(c)) number();
            else if (Character.isLetter(c) || c == '_') {
                int s = pos;
                while (pos < src.length() && isNameChar(src.charAt(pos))) pos++;
                out.add(new Token(Kind.NAME, src.substring(s, pos), null, line));
            } else {
                String op = null;
                for (String o : OPERATORS) if (src.startsWith(o, pos)) { op = o; break; }
                if (op == null) throw new TemplateException("unexpected character '" + c + "' in a tag", line);
                if (op.equals("(") || op.equals("[") || op.equals("{")) depth++;
                else if (op.equals(")") || op.equals("]") || op.equals("}")) {
                    if (depth == 0) throw new TemplateException("unexpected '" + op + "'", line);
                    depth--;
                }
                out.add(new Token(Kind.OP, op, null, line));
                pos += op.length();
            }
        }
    }

    private void string(char quote) {
        int startLine = line;
        StringBuilder sb = new StringBuilder();
        int p = pos + 1;
        while (true) {
            if (p >= src.length()) throw new TemplateException("string literal is not closed", startLine);
            char c = src.charAt(p);
            if (c == quote) break;
            if (c == '\n') line++;
            if (c == '\\' && p + 1 < src.length()) {
                p = escape(p + 1, sb);
                continue;
            }
            sb.append(c);
            p++;
        }
        out.add(new Token(Kind.STRING, src.substring(pos, p + 1), sb.toString(), startLine));
        pos = p + 1;
    }

    /** Python's unicode-escape rules; an unknown escape keeps its backslash. Returns the index after it. */
    private int escape(int p, StringBuilder sb) {
        char e = src.charAt(p);
        switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case '\\' -> sb.append('\\');
            case '\'' -> sb.append('\'');
            case '"' -> sb.append('"');
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case '\n' -> line++;
            case 'x', 'u', 'U' -> {
                int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (p + 1 + digits > src.length()) throw new TemplateException("truncated \\" + e + " escape", line);
                int cp;
                try {
                    cp = Integer.parseInt(src.substring(p + 1, p + 1 + digits), 16);
                } catch (NumberFormatException ex) {
                    throw new TemplateException("malformed \\" + e + " escape", line);
                }
                if (!Character.isValidCodePoint(cp)) throw new TemplateException("\\" + e + " escape out of range", line);
                sb.appendCodePoint(cp);
                return p + 1 + digits;
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    int q = p, v = 0;
                    while (q < p + 3 && q < src.length() && src.charAt(q) >= '0' && src.charAt(q) <= '7') v = v * 8 + (src.charAt(q++) - '0');
                    sb.append((char) v);
                    return q;
                }
                sb.append('\\').append(e);
            }
        }
        return p + 1;
    }

    private void number() {
        int s = pos;
        digits();
        boolean isFloat = false;
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))
                && (s == 0 || src.charAt(s - 1) != '.')) {
            pos++;
            digits();
            isFloat = true;
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int q = pos + 1;
            if (q < src.length() && (src.charAt(q) == '+' || src.charAt(q) == '-')) q++;
            if (q < src.length() && Character.isDigit(src.charAt(q))) {
                pos = q;
                digits();
                isFloat = true;
            }
        }
        String text = src.substring(s, pos);
        String clean = text.replace("_", "");
        if (isFloat) out.add(new Token(Kind.FLOAT, text, Double.parseDouble(clean), line));
        else {
            try {
                out.add(new Token(Kind.INT, text, Long.parseLong(clean), line));
            } catch (NumberFormatException ex) {
                throw new TemplateException("integer literal " + text + " is too large", line);
            }
        }
    }

    private void digits() {
        while (pos < src.length() && (Character.isDigit(src.charAt(pos))
                || (src.charAt(pos) == '_' && pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))))) pos++;
    }

    private int skipSpace(int p) {
        while (p < src.length() && Py.isSpace(src.charAt(p))) p++;
        return p;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) if (s.charAt(i) == '\n') n++;
        return n;
    }
}
