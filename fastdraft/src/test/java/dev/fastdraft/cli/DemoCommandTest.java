package dev.fastdraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's argument handling; the pipeline itself is DemoTest's. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void outputThatIsAFileIsOneLineError() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        var r = CliRun.cli("--quick", "--out", file.toString());
        assertEquals(2, r.rc(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("is a file; give a directory"), r.err());
    }

    @Test
    void outputUnderAFileCannotBeCreated() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        var r = CliRun.cli("demo", "--out", file.resolve("sub").toString());
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().startsWith("error: cannot create"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aFileSystemThatRefusesWithoutReasonIsStillExplained() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.fastdraft.pipeline.demo.EmbeddedTarget.available() && Files.isDirectory(Path.of("/proc/self")));
        var r = CliRun.cli("demo", "--out", "/proc/fastdraft-demo");
        assertEquals(2, r.rc(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: cannot create /proc/fastdraft-demo: ") && !r.err().contains("null"), r.err());
    }

    @Test
    void aBadSeedIsRefusedBeforeAnythingIsMade() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.fastdraft.pipeline.demo.EmbeddedTarget.available());
        var r = CliRun.cli("demo", "--out", dir.resolve("d").toString(), "--seed", "1.5");
        assertEquals(2, r.rc(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: --seed must be an integer"), r.err());
        assertTrue(!Files.exists(dir.resolve("d")));
    }

    @Test
    void unknownOptionNamesTheDemo() {
        var r = CliRun.cli("--no-such-option");
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("--no-such-option"), r.err());
    }

    @Test
    void helpListsTheDemoFirst() {
        var r = CliRun.cli("--help");
        assertEquals(0, r.rc());
        assertTrue(r.out().contains("demo"), r.out());
    }
}
