package dev.fastdraft.cli;

import java.util.List;

/** The registry of every command the jar offers, in the order {@code --help} lists them (pipeline order first). */
final class Commands {
    private Commands() {}

    static List<Command> all() {
        return List.of(
                new DemoCommand(),
                new InitDraftCommand(),
                new TrainTokenizerCommand(),
                new PrepareCommand(),
                new CutPromptsCommand(),
                new TrainCommand(),
                new PretrainCommand(),
                new SynthCommand(),
                new DistillCommand(),
                new SpeculateCommand(),
                new EvalCommand(),
                new GenerateCommand(),
                new ChatCommand(),
                new LogitsCommand(),
                new TokenizeCommand(),
                new dev.fastdraft.cli.bench.BenchCommand(),
                new DevicesCommand());
    }
}
