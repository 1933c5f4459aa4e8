package dev.fastdraft.pipeline;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * A log that throws once a progress line reports {@code marker} (e.g. " 3/6 steps"): a run stopped mid-way,
 * after its earlier checkpoints, as a killed process would be.
 */
public final class Interruption extends PrintStream {
    private final String marker;

    public static final class Stop extends RuntimeException {
        Stop(String line) {
            super("simulated interruption at: " + line);
        }
    }

    public Interruption(String marker) {
        super(OutputStream.nullOutputStream());
        this.marker = marker;
    }

    @Override
    public void print(String s) {
        if (marker != null && s != null && s.contains(marker)) throw new Stop(s);
    }

    @Override
    public void println(String s) {
        print(s);
    }
}
