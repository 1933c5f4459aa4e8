package dev.fastdraft.models.chat;

/**
 * A chat template that cannot be parsed or rendered: a syntax error, an operation Python would refuse (such as
 * adding a string to a number), or the template's own {@code raise_exception(message)}. The message names the
 * template line where it is known.
 */
public final class TemplateException extends IllegalArgumentException {
    private final String reason;
    private final int line;

    public TemplateException(String reason, int line) {
        super(line > 0 ? reason + " (chat template line " + line + ")" : reason);
        this.reason = reason;
        this.line = line;
    }

    TemplateException(String message) {
        this(message, 0);
    }

    /** The message without the line: for {@code raise_exception}, the template's own words. */
    public String reason() {
        return reason;
    }

    /** The template line (from 1), or 0 where unknown. */
    public int line() {
        return line;
    }

    /** The same error, placed on {@code line} if it has no line yet. */
    TemplateException at(int line) {
        return this.line > 0 || line <= 0 ? this : new TemplateException(reason, line);
    }
}
