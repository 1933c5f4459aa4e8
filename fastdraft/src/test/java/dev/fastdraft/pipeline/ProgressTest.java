package dev.fastdraft.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Progress lines: redrawn in place on a terminal, plain lines (each once) in a log. */
class ProgressTest {
    static String run(String terminal) {
        String before = System.getProperty("fastdraft.stderr.terminal");
        System.setProperty("fastdraft.stderr.terminal", terminal);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            Progress p = new Progress(out, "work", "items", 10, 0);
            p.update(4, "", true);
            p.update(10, "", true);
            p.finish(10, "");
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            if (before == null) System.clearProperty("fastdraft.stderr.terminal");
            else System.setProperty("fastdraft.stderr.terminal", before);
        }
    }

    @Test
    void aLogGetsPlainLinesAndTheLastOnlyOnce() {
        String log = run("false");
        assertFalse(log.contains("\r") || log.contains("\u001b"), log);
        assertEquals(2, log.lines().count(), log);
    }

    @Test
    void aTerminalRedrawsInPlace() {
        String tty = run("true");
        assertTrue(tty.startsWith("\r") && tty.contains("\u001b[K") && tty.endsWith(System.lineSeparator()), tty);
    }
}
