package dev.fastdraft.kernels.gemm;

import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.COLS;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.KC;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.LANES;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.ROWS;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.SPECIES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the order the micro-kernel reads them, so that its inner
 * loop walks both operands with unit stride whatever the layout and leading dimension of the inputs.
 *
 * <p>A block of op(A) becomes micro-panels of {@code ROWS} rows, each row a line of {@code KC} floats
 * (the kernel broadcasts from the ROWS lines at constant distances); a block of op(B) becomes panels
 * of {@code COLS} columns stored row by row ({@code COLS} floats per k step, two vector loads).
 * Rows and columns past the matrix edge are zero, so edge tiles run the same kernel and only their
 * store is trimmed.
 *
 * <p>Two of the four cases are plain copies: A as stored (one bulk copy per row) and B as stored
 * (vector copies of COLS floats per k step). The two transposed cases first bulk-copy source lines
 * into a staging array, one {@code MemorySegment.copy} each, and reorder them from there on plain
 * arrays, where the JIT drops the bounds checks and unrolls loops of constant length.
 */
final class SgemmPacking {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** A transposed A is staged in blocks of STAGE_STEPS k steps (a cache line of each packed row) by STAGE_ROWS rows. */
    private static final int STAGE_STEPS = 16;
    private static final int STAGE_ROWS = 64;

    private SgemmPacking() {}

    /** Size in floats of a packed block of {@code rows} rows of op(A) (any depth up to KC), in whole micro-panels. */
    static int packedASize(int rows) {
        return ceilDiv(rows, ROWS) * ROWS * KC;
    }

    /** Size in floats of a packed block of {@code kc x cols} of op(B), rounded up to whole panels. */
    static int packedBSize(int kc, int cols) {
        return ceilDiv(cols, COLS) * COLS * kc;
    }

    /** Floats of staging space that packing needs for blocks of depth kc. */
    static int stageSize(int kc) {
        return Math.max(STAGE_STEPS * STAGE_ROWS, COLS * KC);
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /**
     * Packs micro-panels {@code [panelFrom, panelTo)} of op(A)[row0 : row0+rows, p0 : p0+kc] into
     * {@code dst}: micro-panel r covers rows {@code row0 + r*ROWS} onwards, starts at {@code r*ROWS*KC}
     * and holds its row i at {@code + i*KC}. op(A)[i][p] is {@code a[aOff + i*lda + p]}, or
     * {@code a[aOff + p*lda + i]} with {@code transA}.
     */
    static void packA(MemorySegment a, long aOff, int lda, boolean transA, int row0, int rows, int p0, int kc,
                      float[] dst, int panelFrom, int panelTo, float[] stage) {
        if (!transA) {
            // rows of op(A) are rows of A: one bulk copy each
            for (int r = panelFrom; r < panelTo; r++) {
                int h = Math.min(ROWS, rows - r * ROWS);
                for (int i = 0; i < ROWS; i++) {
                    int d = (r * ROWS + i) * KC;
                    if (i < h) {
                        MemorySegment.copy(a, F, (aOff + (long) (row0 + r * ROWS + i) * lda + p0) * Float.BYTES, dst, d, kc);
                    } else {
                        Arrays.fill(dst, d, d + kc, 0f);
                    }
                }
            }
            return;
        }
        // rows of op(A) are columns of A: stage STAGE_STEPS x STAGE_ROWS blocks of A, then transpose them
        int first = panelFrom * ROWS, last = Math.min(rows, panelTo * ROWS);
        for (int i0 = first; i0 < last; i0 += STAGE_ROWS) {
            int width = Math.min(STAGE_ROWS, last - i0);
            int span = ceilDiv(width, ROWS) * ROWS;
            for (int q0 = 0; q0 < kc; q0 += STAGE_STEPS) {
                int steps = Math.min(STAGE_STEPS, kc - q0);
                for (int q = 0; q < steps; q++) {
                    MemorySegment.copy(a, F, (aOff + (long) (p0 + q0 + q) * lda + row0 + i0) * Float.BYTES, stage, q * STAGE_ROWS, width);
                    if (width < span) Arrays.fill(stage, q * STAGE_ROWS + width, q * STAGE_ROWS + span, 0f);
                }
                if (steps == STAGE_STEPS) {
                    for (int i = 0; i < span; i++) {
                        int d = (i0 + i) * KC + q0;
                        for (int q = 0; q < STAGE_STEPS; q++) dst[d + q] = stage[q * STAGE_ROWS + i];
                    }
                } else {
                    for (int i = 0; i < span; i++) {
                        int d = (i0 + i) * KC + q0;
                        for (int q = 0; q < steps; q++) dst[d + q] = stage[q * STAGE_ROWS + i];
                    }
                }
            }
        }
    }

    /**
     * Packs panels {@code [panelFrom, panelTo)} of op(B)[p0 : p0+kc, col0 : col0+cols] into {@code dst};
     * panel j covers columns {@code col0 + j*COLS} onwards and starts at {@code j*COLS*kc}.
     * op(B)[p][j] is {@code b[bOff + p*ldb + j]}, or {@code b[bOff + j*ldb + p]} with {@code transB}.
     */
    static void packB(MemorySegment b, long bOff, int ldb, boolean transB, int p0, int kc, int col0, int cols,
                      float[] dst, int panelFrom, int panelTo, float[] stage) {
        for (int j = panelFrom; j < panelTo; j++) {
            int w = Math.min(COLS, cols - j * COLS);
            int d = j * COLS * kc;
            if (transB) {
                for (int jj = 0; jj < w; jj++) {
                    MemorySegment.copy(b, F, (bOff + (long) (col0 + j * COLS + jj) * ldb + p0) * Float.BYTES, stage, jj * KC, kc);
                }
                for (int jj = w; jj < COLS; jj++) Arrays.fill(stage, jj * KC, jj * KC + kc, 0f);
                interleaveCols(stage, kc, dst, d);
            } else if (w == COLS) {
                long pos = (bOff + (long) p0 * ldb + col0 + j * COLS) * Float.BYTES, step = (long) ldb * Float.BYTES;
                for (int p = 0; p < kc; p++, pos += step, d += COLS) {
                    for (int v = 0; v < COLS; v += LANES) {
                        FloatVector.fromMemorySegment(SPECIES, b, pos + (long) v * Float.BYTES, NATIVE).intoArray(dst, d + v);
                    }
                }
            } else {
                long src = bOff + (long) p0 * ldb + col0 + j * COLS;
                for (int p = 0; p < kc; p++, src += ldb, d += COLS) {
                    for (int jj = 0; jj < w; jj++) dst[d + jj] = b.getAtIndex(F, src + jj);
                    Arrays.fill(dst, d + w, d + COLS, 0f);
                }
            }
        }
    }

    /**
     * COLS staged lines (columns of op(B)), line j at {@code stage[j*KC]}, become kc groups of COLS
     * floats at {@code dst[d]}. Line by line: each inner loop is a strided copy the JIT compiles
     * without checks; the panel being written (COLS*kc floats) stays in L1 meanwhile. (A gather per
     * vector was 20% faster on AVX2 but would fall back to scalar code where gathers are missing.)
     */
    private static void interleaveCols(float[] stage, int kc, float[] dst, int d) {
        for (int j = 0; j < COLS; j++) {
            for (int p = 0, o = d + j, src = j * KC; p < kc; p++, o += COLS) dst[o] = stage[src + p];
        }
    }
}
