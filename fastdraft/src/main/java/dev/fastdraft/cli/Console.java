package dev.fastdraft.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** Where a command reads (interactive input) and writes: results to {@code out}, progress and notices to {@code err}. */
public record Console(InputStream in, PrintStream out, PrintStream err, boolean verbose) {
    /** A console with no input. */
    public Console(PrintStream out, PrintStream err, boolean verbose) {
        this(InputStream.nullInputStream(), out, err, verbose);
    }

    public static Console system(boolean verbose) {
        return new Console(System.in, System.out, System.err, verbose);
    }
}
