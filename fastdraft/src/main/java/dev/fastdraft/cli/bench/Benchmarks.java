package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Command;
import java.util.List;

/** Registry of {@code bench} sub-commands. */
final class Benchmarks {
    private Benchmarks() {}

    static List<Command> all() {
        return List.of(new MatmulBenchmark(), new GemvBenchmark(), new TokenizerBenchmark(), new DecodeBenchmark());
    }
}
