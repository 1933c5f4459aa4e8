package dev.fastdraft.kernels.gemm;

import dev.fastdraft.kernels.Lanes;
import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM without packing B, for problems with few rows of C (decode steps: m is the batch), few
 * columns, or little work in total, where packing would cost as much as the multiply.
 *
 * <p>A chunk of op(A) (at most {@link #ROW_CHUNK} rows by {@link #K_CHUNK} steps) is copied row-major
 * into a per-thread buffer, which is small next to the work it serves; B is read where it lies.
 * Two forms, picked by B's layout:
 * <ul>
 *   <li>rows form (B not transposed): each row of op(B) is contiguous along n, so a tile of 4 rows
 *       by 2 vectors of C accumulates broadcast A values times B rows;
 *   <li>dot form (B transposed, or n narrower than a vector): each column of op(B) is contiguous
 *       along k (copied so when B is not transposed), so 2 rows by 4 columns of C are dot products
 *       accumulated lane-wise along k and reduced at the end.
 * </ul>
 */
final class SgemmSmall {
    static final int ROW_CHUNK = 64;
    static final int K_CHUNK = 1024;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private SgemmSmall() {}

    static void run(WorkerPool pool, int threads, boolean transA, boolean transB, int m, int n, int k,
                    MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                    MemorySegment c, long cOff, int ldc, boolean accumulate) {
        SgemmBuffers caller = SgemmBuffers.ofThisThread();
        boolean dotForm = transB || n < L;
        for (int i0 = 0; i0 < m; i0 += ROW_CHUNK) {
            int rows = Math.min(ROW_CHUNK, m - i0);
            for (int p0 = 0; p0 < k; p0 += K_CHUNK) {
                int kb = Math.min(K_CHUNK, k - p0);
                boolean add = accumulate || p0 > 0;
                float[] ar = caller.rowsA(rows * kb);
                copyRows(a, aOff, lda, transA, i0, rows, p0, kb, ar);
                final int fi0 = i0;
                if (dotForm) {
                    // columns of op(B) as contiguous lines: B itself when transposed, else a copy
                    MemorySegment bt = b;
                    long btOff = bOff + p0;
                    int btLd = ldb;
                    if (!transB) {
                        bt = caller.columnsB(n * kb);
                        copyColumns(b, bOff, ldb, p0, kb, n, bt);
                        btOff = 0;
                        btLd = kb;
                    }
                    MemorySegment fbt = bt;
                    long fbtOff = btOff;
                    int fbtLd = btLd;
                    forColumns(pool, threads, (long) rows * n * kb, n, 4, (j0, j1) ->
                            dot(ar, rows, kb, fbt, fbtOff, fbtLd, j0, j1, c, cOff + (long) fi0 * ldc, ldc, add));
                } else {
                    long bRow = bOff + (long) p0 * ldb;
                    forColumns(pool, threads, (long) rows * n * kb, n, 2 * L, (j0, j1) ->
                            rowsForm(ar, rows, kb, b, bRow, ldb, n, j0, j1, c, cOff + (long) fi0 * ldc, ldc, add));
                }
            }
        }
    }

    /** Splits [0, n) into one range per thread, aligned to {@code align}, when the work pays for it. */
    private static void forColumns(WorkerPool pool, int threads, long work, int n, int align, WorkerPool.RangeBody body) {
        int groups = (n + align - 1) / align;
        int tasks = work >= Sgemm.PARALLEL_WORK ? Math.min(threads, groups) : 1;
        if (tasks <= 1) {
            body.run(0, n);
            return;
        }
        pool.parallelFor(tasks, t -> body.run(
                (int) ((long) groups * t / tasks) * align,
                Math.min(n, (int) ((long) groups * (t + 1) / tasks) * align)));
    }

    /** op(A)[i0 : i0+rows, p0 : p0+kb] into {@code dst}, row-major with row length kb. */
    private static void copyRows(MemorySegment a, long aOff, int lda, boolean transA, int i0, int rows, int p0, int kb, float[] dst) {
        if (!transA) {
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(a, F, (aOff + (long) (i0 + i) * lda + p0) * Float.BYTES, dst, i * kb, kb);
            }
        } else {
            for (int p = 0; p < kb; p++) {
                long src = aOff + (long) (p0 + p) * lda + i0;
                for (int i = 0; i < rows; i++) dst[i * kb + p] = a.getAtIndex(F, src + i);
            }
        }
    }

    /** op(B)[p0 : p0+kb, 0 : n] for B stored [k x n], transposed into {@code dst} as n lines of kb floats. */
    private static void copyColumns(MemorySegment b, long bOff, int ldb, int p0, int kb, int n, MemorySegment dst) {
        for (int p = 0; p < kb; p++) {
            long src = bOff + (long) (p0 + p) * ldb;
            for (int j = 0; j < n; j++) dst.setAtIndex(F, (long) j * kb + p, b.getAtIndex(F, src + j));
        }
    }

    /**
     * C[0:rows, j0:j1] (+)= A . B where A is row-major in {@code ar} and B's rows start at
     * {@code bRow} (stride ldb). Tiles of 4 rows by 2 vectors; a missing row repeats the last one
     * (its result is dropped) and the last columns use a window ending at column n.
     */
    private static void rowsForm(float[] ar, int rows, int kb, MemorySegment b, long bRow, int ldb, int n, int j0, int j1,
                                 MemorySegment c, long cBase, int ldc, boolean add) {
        for (int i = 0; i < rows; i += 4) {
            int h = Math.min(4, rows - i);
            int a0 = i * kb;
            int a1 = (i + Math.min(1, h - 1)) * kb;
            int a2 = (i + Math.min(2, h - 1)) * kb;
            int a3 = (i + Math.min(3, h - 1)) * kb;
            int j = j0;
            for (; j + 2 * L <= j1; j += 2 * L) {
                FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
                FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
                FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
                FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
                long pos = (bRow + j) * Float.BYTES;
                long step = (long) ldb * Float.BYTES;
                for (int p = 0; p < kb; p++, pos += step) {
                    FloatVector b0 = FloatVector.fromMemorySegment(S, b, pos, NATIVE);
                    FloatVector b1 = FloatVector.fromMemorySegment(S, b, pos + (long) L * Float.BYTES, NATIVE);
                    FloatVector x = FloatVector.broadcast(S, ar[a0 + p]);
                    c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                    x = FloatVector.broadcast(S, ar[a1 + p]);
                    c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                    x = FloatVector.broadcast(S, ar[a2 + p]);
                    c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                    x = FloatVector.broadcast(S, ar[a3 + p]);
                    c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                }
                long row = cBase + (long) i * ldc + j;
                storeRow(c, row, c00, c01, add);
                if (h > 1) storeRow(c, row + ldc, c10, c11, add);
                if (h > 2) storeRow(c, row + 2L * ldc, c20, c21, add);
                if (h > 3) storeRow(c, row + 3L * ldc, c30, c31, add);
            }
            for (; j < j1; j += L) {
                // one vector at a time; the last one ends at column n and skips lanes already done
                int start = Math.min(j, n - L);
                VectorMask<Float> fresh = S.indexInRange(start - j, L);
                FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
                FloatVector c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
                long pos = (bRow + start) * Float.BYTES;
                long step = (long) ldb * Float.BYTES;
                for (int p = 0; p < kb; p++, pos += step) {
                    FloatVector bv = FloatVector.fromMemorySegment(S, b, pos, NATIVE);
                    c0 = FloatVector.broadcast(S, ar[a0 + p]).fma(bv, c0);
                    c1 = FloatVector.broadcast(S, ar[a1 + p]).fma(bv, c1);
                    c2 = FloatVector.broadcast(S, ar[a2 + p]).fma(bv, c2);
                    c3 = FloatVector.broadcast(S, ar[a3 + p]).fma(bv, c3);
                }
                long row = cBase + (long) i * ldc + start;
                storeMasked(c, row, c0, fresh, add);
                if (h > 1) storeMasked(c, row + ldc, c1, fresh, add);
                if (h > 2) storeMasked(c, row + 2L * ldc, c2, fresh, add);
                if (h > 3) storeMasked(c, row + 3L * ldc, c3, fresh, add);
            }
        }
    }

    private static void storeRow(MemorySegment c, long index, FloatVector v0, FloatVector v1, boolean add) {
        long pos = index * Float.BYTES;
        long pos1 = pos + (long) L * Float.BYTES;
        if (add) {
            v0 = v0.add(FloatVector.fromMemorySegment(S, c, pos, NATIVE));
            v1 = v1.add(FloatVector.fromMemorySegment(S, c, pos1, NATIVE));
        }
        v0.intoMemorySegment(c, pos, NATIVE);
        v1.intoMemorySegment(c, pos1, NATIVE);
    }

    private static void storeMasked(MemorySegment c, long index, FloatVector v, VectorMask<Float> lanes, boolean add) {
        long pos = index * Float.BYTES;
        if (add) v = v.add(FloatVector.fromMemorySegment(S, c, pos, NATIVE));
        v.intoMemorySegment(c, pos, NATIVE, lanes);
    }

    /**
     * C[0:rows, j0:j1] (+)= A . Bt^T where A is row-major in {@code ar} and column j of op(B) is the
     * line of kb floats at {@code bt[btOff + j*btLd]}. Tiles of 2 rows by 4 columns; missing rows or
     * columns repeat the last one and their results are dropped.
     */
    private static void dot(float[] ar, int rows, int kb, MemorySegment bt, long btOff, int btLd, int j0, int j1,
                            MemorySegment c, long cBase, int ldc, boolean add) {
        int vecEnd = kb - kb % L;
        float[] sums = SgemmBuffers.ofThisThread().tile;
        int at = SgemmMicroKernel.TILE_AT;
        for (int j = j0; j < j1; j += 4) {
            int w = Math.min(4, j1 - j);
            long b0 = btOff + (long) j * btLd;
            long b1 = btOff + (long) (j + Math.min(1, w - 1)) * btLd;
            long b2 = btOff + (long) (j + Math.min(2, w - 1)) * btLd;
            long b3 = btOff + (long) (j + Math.min(3, w - 1)) * btLd;
            for (int i = 0; i < rows; i += 2) {
                int h = Math.min(2, rows - i);
                int a0 = i * kb;
                int a1 = (i + h - 1) * kb;
                FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
                FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
                for (int p = 0; p < vecEnd; p += L) {
                    FloatVector x0 = FloatVector.fromArray(S, ar, a0 + p);
                    FloatVector x1 = FloatVector.fromArray(S, ar, a1 + p);
                    FloatVector y = FloatVector.fromMemorySegment(S, bt, (b0 + p) * Float.BYTES, NATIVE);
                    s00 = x0.fma(y, s00); s10 = x1.fma(y, s10);
                    y = FloatVector.fromMemorySegment(S, bt, (b1 + p) * Float.BYTES, NATIVE);
                    s01 = x0.fma(y, s01); s11 = x1.fma(y, s11);
                    y = FloatVector.fromMemorySegment(S, bt, (b2 + p) * Float.BYTES, NATIVE);
                    s02 = x0.fma(y, s02); s12 = x1.fma(y, s12);
                    y = FloatVector.fromMemorySegment(S, bt, (b3 + p) * Float.BYTES, NATIVE);
                    s03 = x0.fma(y, s03); s13 = x1.fma(y, s13);
                }
                sums[at + 0] = Lanes.sum(s00);
                sums[at + 1] = Lanes.sum(s01);
                sums[at + 2] = Lanes.sum(s02);
                sums[at + 3] = Lanes.sum(s03);
                sums[at + 4] = Lanes.sum(s10);
                sums[at + 5] = Lanes.sum(s11);
                sums[at + 6] = Lanes.sum(s12);
                sums[at + 7] = Lanes.sum(s13);
                for (int r = 0; r < h; r++) {
                    int ai = r == 0 ? a0 : a1;
                    long cRow = cBase + (long) (i + r) * ldc + j;
                    for (int q = 0; q < w; q++) {
                        long bq = btOff + (long) (j + q) * btLd;
                        float s = sums[at + r * 4 + q];
                        for (int p = vecEnd; p < kb; p++) s += ar[ai + p] * bt.getAtIndex(F, bq + p);
                        c.setAtIndex(F, cRow + q, add ? c.getAtIndex(F, cRow + q) + s : s);
                    }
                }
            }
        }
    }
}
