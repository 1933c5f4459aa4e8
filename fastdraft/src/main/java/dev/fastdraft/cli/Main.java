package dev.fastdraft.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipException;

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
        return run(argv, console, Commands.all());
    }

    /** {@link #run(String[], Console)} with other commands (tests give failing ones). */
    static int run(String[] argv, Console console, List<Command> commands) {
        List<String> rest = new ArrayList<>(Arrays.asList(argv));
        rest.remove("--verbose");
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
        // "bench decode" rather than "bench" in messages
        String running = cmd.name() + (cmd.name().equals("bench") && !rest.isEmpty() && !rest.get(0).startsWith("-") ? " " + rest.get(0) : "");
        try {
            return cmd.main(rest.toArray(String[]::new), console);
        } catch (UserError | IllegalArgumentException | dev.fastdraft.pipeline.train.TrainingDiverged e) {
            return fail(console, e.getMessage(), e);
        } catch (NoSuchFileException e) {
            return fail(console, "no such file: " + e.getFile(), e);
        } catch (AccessDeniedException e) {
            return fail(console, "permission denied: " + e.getFile(), e);
        } catch (IOException e) {
            return fail(console, ioMessage(e), e);
        } catch (UncheckedIOException e) {
            return fail(console, ioMessage(e.getCause()), e);
        } catch (OutOfMemoryError e) {
            return fail(console, outOfMemory(running, e), e);
        } catch (StackOverflowError e) {
            return fail(console, "stack overflow while running '" + running + "': an input nested too deeply? Give the JVM a larger stack"
                    + " (java -Xss64m -jar fastdraft-engine.jar ...) or simplify the input; --verbose shows where", e);
        } catch (Exception e) {
            console.err().println("error: internal failure in '" + cmd.name() + "': " + e);
            e.printStackTrace(console.err());
            return 3;
        }
    }

    /** The one line for an I/O error that reached here without a file name in a message of ours. */
    static String ioMessage(IOException e) {
        if (e instanceof CharacterCodingException) {
            return "an input file is not valid UTF-8 text (" + e.getMessage() + "); convert it to UTF-8 (--verbose shows where it was read)";
        }
        if (e instanceof ZipException) return "an input .zip file is not a readable zip archive (" + e.getMessage() + "); check the files given";
        return "I/O error: " + e.getMessage();
    }

    /**
     * Weights and benchmark buffers live outside the Java heap, where a failed allocation says "Unable to allocate N
     * bytes" and -Xmx does not help; heap exhaustion does take -Xmx, which the launcher hands on to the java it starts.
     */
    static String outOfMemory(String running, OutOfMemoryError e) {
        String what = e.getMessage() == null ? "" : ": " + e.getMessage();
        boolean offHeap = what.contains("Unable to allocate");
        return "out of memory while running '" + running + "'" + what + "; " + (offHeap
                ? "this memory lies outside the Java heap (more -Xmx does not help): choose smaller sizes"
                : "give the JVM more (java -Xmx<size> -jar fastdraft-engine.jar ...) or choose smaller sizes");
    }

    private static int fail(Console console, String message, Throwable e) {
        console.err().println("error: " + message);
        if (console.verbose()) e.printStackTrace(console.err());
        return 2;
    }
}
