package dev.fastdraft.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long work: done/total, rate and ETA, plus whatever the caller adds (loss...).
 * Redrawn in place on a terminal, printed as separate lines at most every few seconds otherwise.
 */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final String unit;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final long startDone;
    private final boolean terminal = onTerminal();
    private final long intervalNanos;
    private long lastPrint;
    private long printedDone = -1;

    public Progress(PrintStream out, String label, String unit, long total, long alreadyDone) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.startDone = alreadyDone;
        this.intervalNanos = terminal ? 250_000_000L : 5_000_000_000L;
    }

    /**
     * Whether progress goes to a terminal, where it is redrawn in place. The launcher says where its stderr goes
     * (the relaunched JVM writes into a pipe to it); otherwise a console with a terminal behind it, so that
     * output redirected to a file gets plain lines, not carriage returns and escape codes.
     */
    static boolean onTerminal() {
        String told = System.getProperty("fastdraft.stderr.terminal");
        if (told != null) return Boolean.parseBoolean(told);
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Reports progress; prints if enough time passed since the last line, or when {@code force}. */
    public void update(long done, String extra, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastPrint < intervalNanos) return;
        lastPrint = now;
        printedDone = done;
        out.print((terminal ? "\r" : "") + line(done, extra, now) + (terminal ? "\u001b[K" : "\n"));
        out.flush();
    }

    public void finish(long done, String extra) {
        if (terminal || printedDone != done) update(done, extra, true); // a log gets the last line once
        if (terminal) out.println();
    }

    String line(long done, String extra, long now) {
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = (done - startDone) / secs;
        String eta = rate > 0 && total > done ? duration((total - done) / rate) : "-";
        String pct = total > 0 ? String.format(Locale.ROOT, "%5.1f%%", 100.0 * done / total) : "";
        return String.format(Locale.ROOT, "%s %s %d/%d %s, %s %s/s, ETA %s%s", label, pct, done, total, unit, human(rate), unit, eta,
                extra == null || extra.isEmpty() ? "" : ", " + extra);
    }

    static String human(double v) {
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
