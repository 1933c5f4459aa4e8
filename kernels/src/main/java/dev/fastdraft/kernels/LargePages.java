package dev.fastdraft.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Off-heap memory for big buffers that are streamed again and again (the panel copies of weights a model
 * generates with), on 2 MiB pages where Linux gives them.
 *
 * <p>On 4 KiB pages a stream that runs at memory speed crosses a page every 4 KiB, and the hardware
 * prefetchers stop at each crossing. Panels on 2 MiB pages were read 12-19% faster by the decode and
 * verification kernels here (kernels/README.md, "Panels"), and are made faster too: one fault per 2 MiB
 * instead of 512. Linux hands out such pages to a mapping marked with {@code madvise(MADV_HUGEPAGE)} when
 * transparent huge pages are in mode {@code madvise} or {@code always}, as on stock Debian and Ubuntu.
 *
 * <p>Elsewhere (another OS, native access not enabled for this module, no libc symbols, a failed
 * {@code mmap}, less than 2 MiB asked) this is plain {@code arena.allocate}: same contents (zeros), same
 * lifetime, only the page size differs.
 */
public final class LargePages {
    /** The huge page size on x86-64 and on aarch64 with 4 KiB base pages. */
    public static final long SIZE = 2L << 20;

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    private static final Libc LIBC = Libc.load();

    private LargePages() {}

    /**
     * {@code bytes} of zeroed memory that lives as long as {@code arena}: a 2 MiB-aligned mapping advised
     * for huge pages when this is Linux and {@code bytes >= }{@link #SIZE}, otherwise {@code arena.allocate}
     * with 64-byte alignment.
     */
    public static MemorySegment allocate(long bytes, Arena arena) {
        if (bytes < 0) throw new IllegalArgumentException("LargePages.allocate: bytes=" + bytes + " must be >= 0");
        if (arena == null) throw new IllegalArgumentException("LargePages.allocate: arena is null");
        if (LIBC != null && bytes >= SIZE) {
            MemorySegment s = LIBC.map(bytes, arena);
            if (s != null) return s;
        }
        return arena.allocate(Math.max(1, bytes), 64);
    }

    /** Whether {@link #allocate} maps memory itself here (Linux, native access enabled, the libc calls it needs). */
    public static boolean available() {
        return LIBC != null;
    }

    @SuppressWarnings("restricted") // the calls are mmap, munmap and madvise on memory we map ourselves
    private record Libc(MethodHandle mmap, MethodHandle munmap, MethodHandle madvise) {
        static Libc load() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "");
            if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) return null;
            // without --enable-native-access the JDK would print a warning on a library user's console
            if (!LargePages.class.getModule().isNativeAccessEnabled()) return null;
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                FunctionDescriptor range = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
                MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(), range);
                MethodHandle madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                return new Libc(mmap, munmap, madvise);
            } catch (RuntimeException | LinkageError e) {
                return null; // no native access or no such symbols: plain allocation
            }
        }

        /** A mapping of at least {@code bytes}, 2 MiB aligned, unmapped when the arena closes; null if mmap fails. */
        MemorySegment map(long bytes, Arena arena) {
            long length = roundUp(bytes);
            long start;
            try {
                // map one huge page more than needed and give back the unaligned ends
                MemorySegment raw = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, length + SIZE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
                long base = raw.address();
                if (base == -1L || base == 0L) return null;
                start = roundUp(base);
                if (start > base) unmap(base, start - base);
                long end = start + length, rawEnd = base + length + SIZE;
                if (rawEnd > end) unmap(end, rawEnd - end);
                int ignored = (int) madvise.invokeExact(start, length, MADV_HUGEPAGE); // no THP: still good memory
            } catch (Throwable t) {
                return null;
            }
            long at = start;
            return MemorySegment.ofAddress(at).reinterpret(bytes, arena, s -> unmap(at, length));
        }

        private void unmap(long address, long length) {
            try {
                int ignored = (int) munmap.invokeExact(address, length);
            } catch (Throwable ignored) {
                // munmap of a range we mapped cannot fail; a failure would only leak address space
            }
        }

        private static long roundUp(long v) {
            return (v + SIZE - 1) & -SIZE;
        }
    }
}
