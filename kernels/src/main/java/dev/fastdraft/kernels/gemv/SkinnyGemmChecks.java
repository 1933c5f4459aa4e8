package dev.fastdraft.kernels.gemv;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;

/** Argument validation for {@link SkinnyGemm}: every message names the op, the shapes and the bad argument. */
final class SkinnyGemmChecks {
    /** Never started: a thread that owns no arena, to ask whether a segment is confined to its owner. */
    private static final Thread ANOTHER_THREAD = Thread.ofPlatform().unstarted(() -> {});

    private SkinnyGemmChecks() {}

    static void check(WorkerPool pool, int rows, int n, int k,
                      MemorySegment x, long xOff, int ldx,
                      WeightType wt, MemorySegment w, long wByteOff,
                      MemorySegment y, long yOff, int ldy) {
        check(op(rows, n, k, wt), pool, rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
    }

    /** As above, with the op named by the caller. */
    static void check(String op, WorkerPool pool, int rows, int n, int k,
                      MemorySegment x, long xOff, int ldx,
                      WeightType wt, MemorySegment w, long wByteOff,
                      MemorySegment y, long yOff, int ldy) {
        if (pool == null) throw new IllegalArgumentException(op + ": pool is null");
        checkOperands(op, rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
        if (pool.threads() > 1) {
            confined(op, "x", x);
            confined(op, "w", w);
            confined(op, "y", y);
        }
    }

    private static String op(int rows, int n, int k, WeightType wt) {
        return "SkinnyGemm.matmulTransposed(rows=" + rows + ", n=" + n + ", k=" + k + ", " + (wt == null ? "null" : wt.label()) + ")";
    }

    /** Everything but the pool: shapes, ranges, overlaps. */
    static void checkOperands(int rows, int n, int k,
                              MemorySegment x, long xOff, int ldx,
                              WeightType wt, MemorySegment w, long wByteOff,
                              MemorySegment y, long yOff, int ldy) {
        checkOperands(op(rows, n, k, wt), rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
    }

    private static void checkOperands(String op, int rows, int n, int k,
                                      MemorySegment x, long xOff, int ldx,
                                      WeightType wt, MemorySegment w, long wByteOff,
                                      MemorySegment y, long yOff, int ldy) {
        if (wt == null) throw new IllegalArgumentException(op + ": weight type is null");
        if (x == null) throw new IllegalArgumentException(op + ": x is null");
        if (w == null) throw new IllegalArgumentException(op + ": w is null");
        if (y == null) throw new IllegalArgumentException(op + ": y is null");
        if (rows < 0) throw new IllegalArgumentException(op + ": rows must be >= 0");
        if (n < 0) throw new IllegalArgumentException(op + ": n must be >= 0");
        if (k < 0) throw new IllegalArgumentException(op + ": k must be >= 0");
        if (ldx < k) throw new IllegalArgumentException(op + ": ldx=" + ldx + " is less than the row length k=" + k);
        if (ldy < n) throw new IllegalArgumentException(op + ": ldy=" + ldy + " is less than the row length n=" + n);
        if (y.isReadOnly()) throw new IllegalArgumentException(op + ": y is a read-only segment");

        long xStart = checkFloats(op, "x", x, xOff, rows, ldx, k);
        long yStart = checkFloats(op, "y", y, yOff, rows, ldy, n);
        if (wByteOff < 0) throw new IndexOutOfBoundsException(op + ": wByteOff=" + wByteOff + " is negative");
        long wBytes = n * wt.rowBytes(k);
        if (wByteOff > w.byteSize() || wBytes > w.byteSize() - wByteOff) {
            throw new IndexOutOfBoundsException(op + ": weights [" + n + " x " + k + "] " + wt.label() + " need bytes [" + wByteOff
                    + ", " + (wByteOff + wBytes) + ") but w holds " + w.byteSize() + " bytes");
        }
        if (rows == 0 || n == 0) return;
        MemorySegment ySpan = y.asSlice(yStart, spanBytes(rows, ldy, n));
        if (k > 0 && ySpan.asOverlappingSlice(x.asSlice(xStart, spanBytes(rows, ldx, k))).isPresent()) {
            throw new IllegalArgumentException(op + ": y overlaps x");
        }
        if (wBytes > 0 && ySpan.asOverlappingSlice(w.asSlice(wByteOff, wBytes)).isPresent()) {
            throw new IllegalArgumentException(op + ": y overlaps w");
        }
    }

    /** Pool threads read and write the segments, so a segment confined to one thread cannot be used. */
    private static void confined(String op, String name, MemorySegment seg) {
        if (!seg.isAccessibleBy(ANOTHER_THREAD)) {
            throw new IllegalArgumentException(op + ": " + name + " belongs to a thread-confined arena, but the pool's "
                    + "threads must reach it: allocate it from a shared, automatic or global arena (or use a 1-thread pool)");
        }
    }

    /** Checks that rows of {@code len} floats every {@code ld} floats from float index {@code off} fit; returns the first byte. */
    private static long checkFloats(String op, String name, MemorySegment seg, long off, int rows, int ld, int len) {
        if (off < 0) throw new IndexOutOfBoundsException(op + ": " + name + "Off=" + off + " is negative");
        long capacity = seg.byteSize() / Float.BYTES;
        if (rows == 0 || len == 0) {
            if (off > capacity) throw new IndexOutOfBoundsException(op + ": " + name + "Off=" + off + " lies past the end of " + name + " (" + capacity + " floats)");
            return 0;
        }
        long span = (long) (rows - 1) * ld + len;
        if (off > capacity || span > capacity - off) {
            throw new IndexOutOfBoundsException(op + ": " + name + " [" + rows + " x " + len + "] with ld" + name + "=" + ld + " from "
                    + name + "Off=" + off + " needs floats [" + off + ", " + (off + span) + ") but " + name + " holds " + capacity + " floats");
        }
        return off * Float.BYTES;
    }

    private static long spanBytes(int rows, int ld, int len) {
        return ((long) (rows - 1) * ld + len) * Float.BYTES;
    }
}
