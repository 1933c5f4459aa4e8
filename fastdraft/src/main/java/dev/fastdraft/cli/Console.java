package dev.fastdraft.cli;

import java.io.PrintStream;

/** Where a command writes: results to {@code out}, progress and notices to {@code err}. */
public record Console(PrintStream out, PrintStream err, boolean verbose) {
    public static Console system(boolean verbose) {
        return new Console(System.out, System.err, verbose);
    }
}
