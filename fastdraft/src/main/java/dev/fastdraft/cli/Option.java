package dev.fastdraft.cli;

/**
 * A command-line option. {@code valueName} is null for a flag; {@code repeatable} options may be given
 * several times (or take several values, up to the next option).
 */
public record Option(String name, String valueName, String help, boolean repeatable) {
    public static Option flag(String name, String help) {
        return new Option(name, null, help, false);
    }

    public static Option value(String name, String valueName, String help) {
        return new Option(name, valueName, help, false);
    }

    public static Option values(String name, String valueName, String help) {
        return new Option(name, valueName, help, true);
    }

    public boolean takesValue() {
        return valueName != null;
    }
}
