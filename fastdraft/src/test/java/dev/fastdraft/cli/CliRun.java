package dev.fastdraft.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the CLI, as the command tests see it: the exit code and what went to each stream. */
record CliRun(int rc, String out, String err) {
    static CliRun cli(String... args) {
        return withInput("", args);
    }

    /** A run whose console input is {@code input} (UTF-8). */
    static CliRun withInput(String input, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = Main.run(args, new Console(new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), false));
        return new CliRun(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }
}
