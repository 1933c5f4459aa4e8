package dev.fastdraft.cli;

/** A mistake in the user's input: printed as one line, without a stack trace (unless --verbose). */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
