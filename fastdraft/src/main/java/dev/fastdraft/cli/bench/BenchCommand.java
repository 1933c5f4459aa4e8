package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.Command;
import dev.fastdraft.cli.Console;
import dev.fastdraft.cli.Help;
import dev.fastdraft.cli.Option;
import dev.fastdraft.cli.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bench WHAT [OPTIONS]}: performance measurements, each reported against a peer measured in the
 * same run (OpenBLAS, the machine's memory bandwidth), because absolute times on shared machines mean little.
 */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        List<String> names = Benchmarks.all().stream().map(Command::name).toList();
        return "measure kernels and models against peers: bench " + String.join("|", names) + " [--json]";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    /** The sub-benchmark is the first argument; its own options follow. */
    @Override
    public int main(String[] argv, Console console) throws Exception {
        List<Command> all = Benchmarks.all();
        if (argv.length == 0 || argv[0].startsWith("-")) {
            StringBuilder sb = new StringBuilder("usage: java -jar fastdraft-engine.jar bench WHAT [OPTIONS]\n\nbenchmarks:\n");
            for (Command c : all) sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
            sb.append("\nRun 'bench WHAT --help' for its options.\n");
            console.out().print(sb);
            return argv.length == 0 ? 2 : 0;
        }
        Command b = all.stream().filter(c -> c.name().equals(argv[0])).findFirst()
                .orElseThrow(() -> new UserError("unknown benchmark '" + argv[0] + "'; run 'bench --help' for the list"));
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Arrays.asList(rest).contains("--help")) {
            console.out().print(Help.command("bench " + b.name(), b));
            return 0;
        }
        return b.run(Args.parse("bench " + b.name(), b.options(), rest), console);
    }

    @Override
    public int run(Args args, Console console) {
        throw new IllegalStateException("bench takes a sub-benchmark first; it is entered through main(String[], Console)");
    }

    /** Options common to benchmarks. */
    public static List<Option> withCommon(Option... specific) {
        List<Option> l = new ArrayList<>(Arrays.asList(specific));
        l.add(Option.value("--threads", "T", "worker threads (default: physical cores)"));
        l.add(Option.flag("--json", "print one JSON object instead of a table"));
        return l;
    }
}
