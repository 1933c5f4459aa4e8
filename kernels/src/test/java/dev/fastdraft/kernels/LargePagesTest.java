package dev.fastdraft.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LargePagesTest {
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void memoryIsZeroedWritableAndAsLargeAsAsked() {
        try (Arena arena = Arena.ofConfined()) {
            for (long bytes : new long[] {0, 1, 4097, LargePages.SIZE - 1, LargePages.SIZE, 3 * LargePages.SIZE + 12345}) {
                MemorySegment s = LargePages.allocate(bytes, arena);
                assertEquals(Math.max(1, bytes), s.byteSize(), "size of " + bytes);
                assertEquals(0, s.address() % 64, "alignment of " + bytes);
                long last = s.byteSize() - 1;
                assertEquals(0, s.get(ValueLayout.JAVA_BYTE, 0));
                assertEquals(0, s.get(ValueLayout.JAVA_BYTE, last));
                s.set(ValueLayout.JAVA_BYTE, last, (byte) 7);
                assertEquals(7, s.get(ValueLayout.JAVA_BYTE, last));
                assertThrows(IndexOutOfBoundsException.class, () -> s.get(ValueLayout.JAVA_BYTE, s.byteSize()));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> LargePages.allocate(-1, Arena.ofAuto()));
    }

    @Test
    void bigBuffersAreHugePageAlignedMappingsThatCloseWithTheArena() throws IOException {
        boolean linux = System.getProperty("os.name", "").startsWith("Linux");
        boolean nativeAccess = LargePages.class.getModule().isNativeAccessEnabled();
        if (linux && nativeAccess) assertTrue(LargePages.available(), "Linux with native access enabled: LargePages should map memory itself");
        assumeTrue(LargePages.available(), () -> skip("LargePages maps memory itself only on Linux with native access enabled (os.name "
                + System.getProperty("os.name") + ", native access " + nativeAccess + ")"));
        long bytes = 3 * LargePages.SIZE + 5;
        MemorySegment s;
        String range;
        try (Arena arena = Arena.ofConfined()) {
            s = LargePages.allocate(bytes, arena);
            assertEquals(0, s.address() % LargePages.SIZE, "2 MiB aligned");
            range = Long.toHexString(s.address()) + "-" + Long.toHexString(s.address() + 4 * LargePages.SIZE);
            assertTrue(mappings().contains(range), "a mapping " + range + " of 4 huge pages in /proc/self/maps");
        }
        assertFalse(s.scope().isAlive());
        assertFalse(mappings().contains(range), "unmapped when the arena closed: " + range);
    }

    @Test
    void theKernelBacksThemWithHugePagesWhereTransparentHugePagesAreOn() throws IOException {
        assumeTrue(LargePages.available() && Files.isReadable(THP) && Files.isReadable(SMAPS),
                () -> skip("no Linux transparent huge pages to check (" + THP + ")"));
        String mode = Files.readString(THP).trim();
        assumeTrue(mode.contains("[always]") || mode.contains("[madvise]"), () -> skip("transparent huge pages are off here: " + mode));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = LargePages.allocate(8 * LargePages.SIZE, arena);
            s.fill((byte) 1);
            long huge = anonHugeKb(s.address());
            assertTrue(huge > 0, "AnonHugePages of the mapping at " + Long.toHexString(s.address()) + " is " + huge + " kB (THP " + mode + ")");
        }
    }

    private static String skip(String why) {
        String line = "LargePagesTest skipped: " + why;
        System.out.println(line);
        return line;
    }

    private static List<String> mappings() throws IOException {
        return Files.readAllLines(MAPS).stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
    }

    /** AnonHugePages of the smaps entry that starts at {@code address}. */
    private static long anonHugeKb(long address) throws IOException {
        String start = Long.toHexString(address) + "-";
        boolean inside = false;
        for (String line : Files.readAllLines(SMAPS)) {
            if (Character.isDigit(line.charAt(0)) || (line.charAt(0) >= 'a' && line.charAt(0) <= 'f')) {
                if (line.contains("-") && line.indexOf(' ') > line.indexOf('-')) inside = line.startsWith(start);
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
