package dev.fastdraft.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command-line interface: dispatches to a {@link Command} and turns user errors into one line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int rc = run(args, Console.system(Arrays.asList(args).contains("--verbose")));
        System.out.flush();
        System.exit(rc);
    }

    /** Runs the CLI without exiting the JVM; returns the exit code (used by tests and embedders). */
    public static int run(String[] argv, Console console) {
        List<String> rest = new ArrayList<>(Arrays.asList(argv));
        rest.remove("--verbose");
        List<Command> commands = Commands.all();
        // no command (or only the demo's options, such as --quick) runs the demo, the main job
        boolean demo = dev.fastdraft.pipeline.demo.EmbeddedTarget.available();
        if (rest.isEmpty()) rest.add(demo ? "demo" : "--help");
        else if (demo && rest.get(0).startsWith("--") && !List.of("--help", "-h", "--version").contains(rest.get(0))) rest.add(0, "demo");
        String name = rest.remove(0);
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            console.out().print(Help.overview(commands));
            return 0;
        }
        if (name.equals("--version")) {
            console.out().println("fastdraft-engine " + Help.version());
            return 0;
        }
        Command cmd = commands.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (cmd == null) {
            console.err().println("error: unknown command '" + name + "'; run --help for the list of commands");
            return 2;
        }
        try {
            return cmd.main(rest.toArray(String[]::new), console);
        } catch (UserError | IllegalArgumentException | dev.fastdraft.pipeline.train.TrainingDiverged e) {
            return fail(console, e.getMessage(), e);
        } catch (NoSuchFileException e) {
            return fail(console, "no such file: " + e.getFile(), e);
        } catch (AccessDeniedException e) {
            return fail(console, "permission denied: " + e.getFile(), e);
        } catch (IOException e) {
            return fail(console, "I/O error: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            return fail(console, "I/O error: " + e.getCause().getMessage(), e);
        } catch (Exception e) {
            console.err().println("error: internal failure in '" + cmd.name() + "': " + e);
            e.printStackTrace(console.err());
            return 3;
        }
    }

    private static int fail(Console console, String message, Throwable e) {
        console.err().println("error: " + message);
        if (console.verbose()) e.printStackTrace(console.err());
        return 2;
    }
}
