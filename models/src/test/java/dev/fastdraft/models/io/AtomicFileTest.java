package dev.fastdraft.models.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void replacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.bin");
        AtomicFile.write(target, new byte[] {1, 2, 3});
        AtomicFile.write(target, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aFailingWriteKeepsTheOldTargetAndCleansUp() throws IOException {
        Path target = dir.resolve("out.bin");
        AtomicFile.write(target, new byte[] {9, 9, 9});
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(target, ch -> {
            ch.write(ByteBuffer.wrap(new byte[1000]));
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", e.getMessage());
        assertArrayEquals(new byte[] {9, 9, 9}, Files.readAllBytes(target), "old content intact");
        assertEquals(List.of(target), listing(), "temporary file removed");

        assertThrows(IllegalStateException.class, () -> AtomicFile.write(dir.resolve("new.bin"), ch -> {
            throw new IllegalStateException("bug in the body");
        }));
        assertEquals(List.of(target), listing(), "no target created and nothing left behind");
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsFileIsReplaced() throws IOException {
        Path real = dir.resolve("real.bin"), link = dir.resolve("link.bin");
        Files.write(real, new byte[] {1});
        Files.createSymbolicLink(link, Path.of("real.bin"));
        AtomicFile.write(link, new byte[] {2, 3});
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertArrayEquals(new byte[] {2, 3}, Files.readAllBytes(real));

        // a dangling link whose folder exists: the file it names is created
        Path dangling = dir.resolve("dangling.bin");
        Files.createSymbolicLink(dangling, Path.of("made.bin"));
        AtomicFile.write(dangling, new byte[] {4});
        assertTrue(Files.isSymbolicLink(dangling));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(dir.resolve("made.bin")));
        assertEquals(List.of(dangling, dir.resolve("link.bin"), dir.resolve("made.bin"), real), listing(), "no temporary file left");
    }

    @Test
    void aFifoIsWrittenIntoNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe.npy");
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (IOException e) {
            rc = -1;
        }
        if (rc != 0) System.out.println("AtomicFileTest: skipping the FIFO case, mkfifo is unavailable");
        Assumptions.assumeTrue(rc == 0, "mkfifo unavailable");
        // opening a FIFO blocks until both ends are open, so the reader runs on its own (daemon) thread
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                read.complete(Files.readAllBytes(fifo));
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        AtomicFile.write(fifo, new byte[] {7, 8, 9});
        assertFalse(Files.isRegularFile(fifo), "the FIFO was replaced by a regular file");
        assertArrayEquals(new byte[] {7, 8, 9}, read.get(20, TimeUnit.SECONDS));
        assertEquals(List.of(fifo), listing());
    }

    @Test
    void badTargetsGetMessagesNamingThePath() {
        Path nodir = dir.resolve("nodir");
        var e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(nodir.resolve("a.npy"), new byte[1]));
        assertEquals("cannot write " + nodir.resolve("a.npy") + ": folder " + nodir + " does not exist", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(dir, new byte[1]));
        assertEquals("cannot write " + dir + ": it is a directory; give a file name", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(Path.of(""), new byte[1]));
        assertEquals("no output file given", e.getMessage());
    }

    @Test
    void aJvmStoppedMidWriteLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("big.bin");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SlowWriter.class.getName(), target.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("writing", out.readLine());
            assertEquals(1, listing().size(), "the temporary file exists while writing");
            p.destroy(); // SIGTERM, as kill or a closing terminal sends
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of(), listing(), "temporary file removed at shutdown");
    }

    /** Starts a write, says so, and waits to be killed. */
    static final class SlowWriter {
        public static void main(String[] args) throws Exception {
            AtomicFile.write(Path.of(args[0]), ch -> {
                ch.write(ByteBuffer.wrap(new byte[4096]));
                System.out.println("writing");
                System.out.flush();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            });
        }
    }
}
