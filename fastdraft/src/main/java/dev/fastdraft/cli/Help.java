package dev.fastdraft.cli;

import java.util.List;

/** The text of {@code --help} and {@code COMMAND --help}. */
public final class Help {
    private Help() {}

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static String overview(List<Command> commands) {
        StringBuilder sb = new StringBuilder();
        sb.append("FastDraft Engine: train draft models and run speculative decoding, in pure Java.\n\n");
        boolean demo = commands.stream().anyMatch(c -> c.name().equals("demo"));
        sb.append("usage: java -jar fastdraft-engine.jar " + (demo ? "[COMMAND] [OPTIONS]   (no command: run the demo)" : "COMMAND [OPTIONS]") + "\n\n");
        sb.append("commands:\n");
        int width = commands.stream().mapToInt(c -> c.name().length()).max().orElse(0);
        for (Command c : commands) sb.append(String.format("  %-" + width + "s  %s%n", c.name(), c.summary()));
        sb.append("\nRun 'COMMAND --help' for a command's options. Add --verbose to any command for stack traces.\n");
        return sb.toString();
    }

    static String command(Command c) {
        return command(c.name(), c);
    }

    /** Help of {@code c} invoked as {@code invocation} (e.g. "bench gemv"). */
    public static String command(String invocation, Command c) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: java -jar fastdraft-engine.jar ").append(invocation).append(" [OPTIONS]\n\n");
        sb.append(c.summary()).append("\n\noptions:\n");
        for (Option o : c.options()) {
            String left = o.name() + (o.takesValue() ? " " + o.valueName() + (o.repeatable() ? "..." : "") : "");
            sb.append(String.format("  %-28s %s%n", left, o.help()));
        }
        return sb.toString();
    }
}
