package dev.fastdraft.cli;

import java.util.List;

/** The registry of every command the jar offers, in the order {@code --help} lists them. */
final class Commands {
    private Commands() {}

    static List<Command> all() {
        return List.of(
                new TokenizeCommand(),
                new GenerateCommand(),
                new LogitsCommand(),
                new TrainCommand(),
                new InitDraftCommand(),
                new PrepareCommand(),
                new dev.fastdraft.cli.bench.BenchCommand(),
                new DevicesCommand());
    }
}
