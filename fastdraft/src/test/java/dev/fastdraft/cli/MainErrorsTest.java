package dev.fastdraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/** What Main prints when a command fails with an error no command turned into a message of its own. */
class MainErrorsTest {
    /** A command that fails with {@code failure}. */
    private record Failing(Throwable failure) implements Command {
        public String name() { return "fail"; }
        public String summary() { return "fails"; }
        public List<Option> options() { return List.of(); }
        public int run(Args args, Console console) throws Exception {
            if (failure instanceof Error e) throw e;
            throw (Exception) failure;
        }
    }

    private static CliRun run(Throwable failure, boolean verbose) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        Console console = new Console(new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), verbose);
        int rc = Main.run(new String[] {"fail"}, console, List.of(new Failing(failure)));
        return new CliRun(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static String oneLine(Throwable failure) {
        CliRun r = run(failure, false);
        assertTrue(r.rc() != 0);
        assertEquals(1, r.err().trim().lines().count(), "one line: " + r.err());
        return r.err().trim();
    }

    @Test
    void outOfHeapIsOneLineWithTheRightHint() {
        String line = oneLine(new OutOfMemoryError("Java heap space"));
        assertEquals("error: out of memory while running 'fail': Java heap space; give the JVM more (java -Xmx<size> -jar fastdraft-engine.jar ...)"
                + " or choose smaller sizes", line);
        assertTrue(run(new OutOfMemoryError("Java heap space"), true).err().contains("\tat "), "--verbose shows the trace");
    }

    @Test
    void outOfNativeMemoryDoesNotPromiseThatXmxHelps() {
        String line = oneLine(new OutOfMemoryError("Unable to allocate 2000000000048 bytes"));
        assertTrue(line.contains("Unable to allocate 2000000000048 bytes") && line.contains("more -Xmx does not help"), line);
    }

    @Test
    void stackOverflowIsOneLine() {
        assertTrue(oneLine(new StackOverflowError()).startsWith("error: stack overflow while running 'fail'"));
    }

    @Test
    void encodingAndZipErrorsSayWhatKindOfFileIsWrong() {
        assertTrue(oneLine(new MalformedInputException(1)).contains("an input file is not valid UTF-8 text"));
        assertTrue(oneLine(new java.io.UncheckedIOException(new MalformedInputException(1))).contains("not valid UTF-8"));
        assertTrue(oneLine(new ZipException("zip END header not found")).contains("is not a readable zip archive"));
        assertEquals("error: I/O error: disk on fire", oneLine(new IOException("disk on fire")));
        assertFalse(oneLine(new IOException("x")).contains("\tat "));
    }
}
