package dev.fastdraft.models.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
}
