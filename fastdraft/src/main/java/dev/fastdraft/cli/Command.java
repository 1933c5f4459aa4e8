package dev.fastdraft.cli;

import java.util.List;

/** One sub-command of the jar: its name, its options and what it does. */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The options this command accepts; anything else is refused with a pointer to {@code --help}. */
    List<Option> options();

    /** Runs the command; returns the process exit code. Throw {@link UserError} for bad input. */
    int run(Args args, Console console) throws Exception;

    /** Entry from the command line: {@code --help}, or parse the options and {@link #run}. */
    default int main(String[] argv, Console console) throws Exception {
        if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            console.out().print(Help.command(this));
            return 0;
        }
        return run(Args.parse(name(), options(), argv), console);
    }
}
