package dev.fastdraft.kernels.gemm;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Single-precision matrix multiply on row-major matrices:
 * {@code C[m x n] (+)= op(A)[m x k] . op(B)[k x n]}.
 *
 * <p>{@code op(A)} is A as stored ({@code [m x k]}, leading dimension {@code lda >= k}) or, with
 * {@code transA}, the transpose of A stored as {@code [k x m]} ({@code lda >= m}); the same for B
 * ({@code [k x n]}, or {@code [n x k]} with {@code transB}). Offsets and leading dimensions count
 * floats. With {@code accumulate} the product is added to C, otherwise it replaces C (whatever C
 * held before, NaN included). C must not overlap A or B.
 *
 * <p>Large problems run the packed, blocked kernel ({@link SgemmPacked}) spread over the pool's
 * threads; problems with few rows or columns, or little work, run unpacked ({@link SgemmSmall}).
 * See kernels/README.md for the design and measurements.
 */
public final class Sgemm {
    /** Up to this many rows of C, packing A would cost more than it saves. */
    static final int SMALL_ROWS = 16;
    /** Below this many multiply-adds the packed path's fixed costs dominate. */
    static final long SMALL_WORK = 32 * 32 * 32;
    /** Below this many multiply-adds a second thread costs more (wake-up, cache traffic) than it gives. */
    static final long PARALLEL_WORK = 1L << 18;

    private Sgemm() {}

    public static void sgemm(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k,
                             MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                             MemorySegment c, long cOff, int ldc, boolean accumulate) {
        Objects.requireNonNull(pool, "sgemm: pool is null");
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) c.asSlice((cOff + (long) i * ldc) * Float.BYTES, (long) n * Float.BYTES).fill((byte) 0);
            return;
        }
        long work = (long) m * n * k;
        // segments confined to the calling thread cannot be read by the pool's workers
        boolean shareable = SegmentAccess.shareable(a) && SegmentAccess.shareable(b) && SegmentAccess.shareable(c);
        int threads = shareable && work >= PARALLEL_WORK ? pool.threads() : 1;
        if (m <= SMALL_ROWS || n < SgemmMicroKernel.COLS || work < SMALL_WORK) {
            SgemmSmall.run(pool, threads, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            SgemmPacked.run(pool, threads, SgemmPacked.DEFAULT, transA, transB, m, n, k,
                    a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /** {@link #sgemm(WorkerPool, boolean, boolean, int, int, int, MemorySegment, long, int, MemorySegment, long, int, MemorySegment, long, int, boolean)} on arrays. */
    public static void sgemm(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        Objects.requireNonNull(a, "sgemm: a is null");
        Objects.requireNonNull(b, "sgemm: b is null");
        Objects.requireNonNull(c, "sgemm: c is null");
        sgemm(pool, transA, transB, m, n, k, MemorySegment.ofArray(a), aOff, lda, MemorySegment.ofArray(b), bOff, ldb,
                MemorySegment.ofArray(c), cOff, ldc, accumulate);
    }

    /** Dense row-major {@code C[m x n] = A[m x k] . B[k x n]} on the common pool. */
    public static void sgemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        sgemm(WorkerPool.common(), false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    }

    /** The register tile and vector width in use on this machine, e.g. "4x16 tile, 256-bit vectors". */
    public static String kernelDescription() {
        return SgemmMicroKernel.ROWS + "x" + SgemmMicroKernel.COLS + " tile, " + SgemmMicroKernel.SPECIES.vectorBitSize() + "-bit vectors";
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                              MemorySegment c, long cOff, int ldc) {
        String shapes = "sgemm(m=" + m + ", n=" + n + ", k=" + k + ", transA=" + transA + ", transB=" + transB + ")";
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(shapes + ": dimensions must be >= 0");
        }
        Objects.requireNonNull(a, () -> shapes + ": a is null");
        Objects.requireNonNull(b, () -> shapes + ": b is null");
        Objects.requireNonNull(c, () -> shapes + ": c is null");
        // stored shapes: A is [m x k] or [k x m], B is [k x n] or [n x k], C is [m x n]
        checkMatrix(shapes, "A", a, aOff, lda, transA ? k : m, transA ? m : k, transA ? "[k x m]" : "[m x k]");
        checkMatrix(shapes, "B", b, bOff, ldb, transB ? n : k, transB ? k : n, transB ? "[n x k]" : "[k x n]");
        checkMatrix(shapes, "C", c, cOff, ldc, m, n, "[m x n]");
        if (c.isReadOnly() && m > 0 && n > 0) throw new IllegalArgumentException(shapes + ": C is a read-only segment");
    }

    private static void checkMatrix(String shapes, String name, MemorySegment seg, long off, int ld,
                                    int rows, int cols, String stored) {
        String ldName = "ld" + name.toLowerCase();
        String what = shapes + ": " + name + " is stored " + stored + " = [" + rows + " x " + cols + "]";
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(what + " but " + ldName + "=" + ld + " < " + Math.max(1, cols));
        }
        long capacity = seg.byteSize() / Float.BYTES;
        if (off < 0 || off > capacity) {
            throw new IndexOutOfBoundsException(what + " but its offset " + off + " is outside the segment of " + capacity + " floats");
        }
        if (rows == 0 || cols == 0) return;
        // the last element read or written is (rows-1)*ld + cols-1 past the offset; no overflow in long
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > capacity) {
            throw new IndexOutOfBoundsException(what + " with offset " + off + " and " + ldName + "=" + ld
                    + " needs " + end + " floats but the segment holds " + capacity);
        }
    }
}
