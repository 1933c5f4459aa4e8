package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/**
 * Argument validation shared by the kernels, done once per call so the inner loops can trust their
 * indices. Messages name the op, the argument and the shape, because a wrong offset found deep in a
 * model is otherwise hard to trace.
 */
public final class OpChecks {
    private OpChecks() {}

    /**
     * Checks that {@code rows} rows of {@code n} floats, the first at element {@code off} and each
     * {@code ld} elements after the previous, lie inside {@code seg}.
     */
    public static void rows(String op, String arg, MemorySegment seg, long off, int rows, int n, int ld) {
        if (seg == null) throw new IllegalArgumentException(op + ": " + arg + " is null");
        if (rows < 0 || n < 0) {
            throw new IllegalArgumentException(op + ": negative shape for " + arg + ": rows=" + rows + ", n=" + n);
        }
        if (off < 0) throw new IndexOutOfBoundsException(op + ": " + arg + " offset " + off + " is negative");
        if (rows > 1 && ld < n) {
            throw new IllegalArgumentException(op + ": " + arg + " row stride " + ld + " is smaller than the row length " + n);
        }
        if (rows == 0 || n == 0) return;
        long end = off + (long) (rows - 1) * ld + n;
        long have = seg.byteSize() / Float.BYTES;
        if (end > have) {
            throw new IndexOutOfBoundsException(op + ": " + arg + " [" + rows + " x " + n + "] with row stride " + ld
                    + " at offset " + off + " needs " + end + " floats, but the segment holds " + have);
        }
    }

    /** Checks that {@code n} consecutive floats from element {@code off} lie inside {@code seg}. */
    public static void vector(String op, String arg, MemorySegment seg, long off, long n) {
        if (seg == null) throw new IllegalArgumentException(op + ": " + arg + " is null");
        if (n < 0) throw new IllegalArgumentException(op + ": negative length " + n + " for " + arg);
        if (off < 0) throw new IndexOutOfBoundsException(op + ": " + arg + " offset " + off + " is negative");
        long have = seg.byteSize() / Float.BYTES;
        if (n > 0 && off + n > have) {
            throw new IndexOutOfBoundsException(op + ": " + arg + " of " + n + " floats at offset " + off
                    + " needs " + (off + n) + " floats, but the segment holds " + have);
        }
    }

    /** Checks that {@code n} ints from {@code off} lie inside {@code a}. */
    public static void ints(String op, String arg, int[] a, int off, int n) {
        if (a == null) throw new IllegalArgumentException(op + ": " + arg + " is null");
        if (off < 0 || n < 0 || (long) off + n > a.length) {
            throw new IndexOutOfBoundsException(op + ": " + arg + " needs " + n + " ints at offset " + off
                    + ", but the array holds " + a.length);
        }
    }

    /** The exception for a bad argument; callers write {@code if (!ok) throw fail(...)} so the message is built only on failure. */
    public static IllegalArgumentException fail(String op, String what) {
        return new IllegalArgumentException(op + ": " + what);
    }
}
