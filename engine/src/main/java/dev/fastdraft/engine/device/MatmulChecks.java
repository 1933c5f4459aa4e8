package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import java.lang.foreign.MemorySegment;

/**
 * Argument checks shared by every {@link MatmulOps} implementation, and the extent each operand spans,
 * so that a bad shape or offset fails with a message naming the op and argument before any device work.
 */
public final class MatmulChecks {
    private MatmulChecks() {}

    /** A checked operand: {@code byteOffset} and {@code byteLength} of the bytes it spans in its segment. */
    public record Span(long byteOffset, long byteLength) {}

    public static Span[] sgemm(String op, boolean transA, boolean transB, int m, int n, int k,
                               MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                               MemorySegment c, long cOff, int ldc) {
        String shape = op + "(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException(shape + ": dimensions must be >= 0");
        // stored shapes: A is m x k (k x m when transposed), B is k x n (n x k when transposed)
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Span sa = span(shape, "A", a, aOff, aRows, aCols, lda, 4);
        Span sb = span(shape, "B", b, bOff, bRows, bCols, ldb, 4);
        Span sc = span(shape, "C", c, cOff, m, n, ldc, 4);
        return new Span[] {sa, sb, sc};
    }

    public static Span[] matmulTransposed(String op, int rows, int n, int k, MemorySegment x, long xOff, int ldx,
                                          DType wt, MemorySegment w, long wByteOff,
                                          MemorySegment y, long yOff, int ldy) {
        String shape = op + "(rows=" + rows + ", n=" + n + ", k=" + k + ", ldx=" + ldx + ", ldy=" + ldy + ", weights=" + wt + ")";
        if (rows < 0 || n < 0 || k < 0) throw new IllegalArgumentException(shape + ": dimensions must be >= 0");
        if (wt == null) throw new IllegalArgumentException(shape + ": weight type is null");
        Span sx = span(shape, "X", x, xOff, rows, k, ldx, 4);
        if (w == null) throw new IllegalArgumentException(shape + ": W is null");
        if (wByteOff < 0 || wByteOff % wt.byteSize() != 0)
            throw new IndexOutOfBoundsException(shape + ": W byte offset " + wByteOff + " is negative or not a multiple of " + wt.byteSize());
        long wBytes = (long) n * k * wt.byteSize();
        if (wByteOff + wBytes > w.byteSize())
            throw new IndexOutOfBoundsException(shape + ": W needs " + wBytes + " bytes from byte " + wByteOff + " but its segment has " + w.byteSize());
        Span sy = span(shape, "Y", y, yOff, rows, n, ldy, 4);
        return new Span[] {sx, new Span(wByteOff, wBytes), sy};
    }

    private static Span span(String shape, String name, MemorySegment seg, long off, int rows, int cols, int ld, int elem) {
        if (seg == null) throw new IllegalArgumentException(shape + ": " + name + " is null");
        if (ld < Math.max(1, cols))
            throw new IllegalArgumentException(shape + ": leading dimension of " + name + " is " + ld + ", below its " + cols + " columns");
        if (off < 0) throw new IndexOutOfBoundsException(shape + ": offset of " + name + " is negative: " + off);
        if (rows == 0 || cols == 0) return new Span(off * elem, 0);
        long elems = (long) (rows - 1) * ld + cols;
        long end = (off + elems) * elem;
        if (end > seg.byteSize())
            throw new IndexOutOfBoundsException(shape + ": " + name + " spans elements [" + off + ", " + (off + elems)
                    + ") but its segment holds " + seg.byteSize() / elem);
        return new Span(off * elem, elems * elem);
    }
}
