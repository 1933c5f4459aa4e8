package dev.fastdraft.kernels.gemm;

import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.COLS;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.LANES;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.ROWS;
import static dev.fastdraft.kernels.gemm.SgemmMicroKernel.SPECIES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of op(A) and op(B) into the order the micro-kernel reads them, so that its inner
 * loop walks both operands with unit stride whatever the layout and leading dimension of the inputs.
 *
 * <p>A block of op(A) becomes micro-panels of {@code ROWS} rows, stored column by column ({@code ROWS}
 * floats per k step); a block of op(B) becomes panels of {@code COLS} columns, stored row by row
 * ({@code COLS} floats per k step). Rows and columns past the matrix edge are zero, so edge tiles
 * run the same kernel and only their store is trimmed.
 *
 * <p>Every source line (a row of A or B as stored) is first bulk-copied into a float[] staging
 * buffer: one {@code MemorySegment.copy} per line costs about a memcpy, and the reordering that
 * follows runs on plain arrays, where the JIT removes the bounds checks.
 */
final class SgemmPacking {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private SgemmPacking() {}

    /** Size in floats of a packed block of {@code rows x kc} of op(A), rounded up to whole micro-panels. */
    static int packedASize(int rows, int kc) {
        return ceilDiv(rows, ROWS) * ROWS * kc;
    }

    /** Size in floats of a packed block of {@code kc x cols} of op(B), rounded up to whole panels. */
    static int packedBSize(int kc, int cols) {
        return ceilDiv(cols, COLS) * COLS * kc;
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /**
     * Packs micro-panels {@code [panelFrom, panelTo)} of op(A)[row0 : row0+rows, p0 : p0+kc] into
     * {@code dst}; micro-panel r covers rows {@code row0 + r*ROWS} onwards and starts at {@code r*ROWS*kc}.
     * op(A)[i][p] is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} with {@code transA}.
     */
    static void packA(MemorySegment a, long aOff, int lda, boolean transA, int row0, int rows, int p0, int kc,
                      float[] dst, int panelFrom, int panelTo, float[] stage) {
        int first = panelFrom * ROWS;
        int last = Math.min(rows, panelTo * ROWS);
        if (first >= last) return;
        if (transA) {
            // op(A)'s column p is a contiguous source line: stage it, then deal it out to the micro-panels
            int width = last - first;
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(a, F, (aOff + (long) (p0 + p) * lda + row0 + first) * Float.BYTES, stage, 0, width);
                for (int r = panelFrom; r < panelTo; r++) {
                    int base = r * ROWS - first;
                    int h = Math.min(ROWS, width - base);
                    int d = r * ROWS * kc + p * ROWS;
                    for (int i = 0; i < h; i++) dst[d + i] = stage[base + i];
                    for (int i = h; i < ROWS; i++) dst[d + i] = 0f;
                }
            }
        } else {
            // op(A)'s row i is a contiguous source line: stage it, then scatter it down a micro-panel column
            for (int r = panelFrom; r < panelTo; r++) {
                int h = Math.min(ROWS, rows - r * ROWS);
                int d = r * ROWS * kc;
                for (int i = 0; i < h; i++) {
                    MemorySegment.copy(a, F, (aOff + (long) (row0 + r * ROWS + i) * lda + p0) * Float.BYTES, stage, 0, kc);
                    scatter(stage, kc, dst, d + i, ROWS);
                }
                for (int i = h; i < ROWS; i++) {
                    for (int p = 0, o = d + i; p < kc; p++, o += ROWS) dst[o] = 0f;
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
        int first = panelFrom * COLS;
        int last = Math.min(cols, panelTo * COLS);
        if (first >= last) return;
        if (transB) {
            // op(B)'s column j is a contiguous source line: stage it, then scatter it down a panel column
            for (int j = panelFrom; j < panelTo; j++) {
                int w = Math.min(COLS, cols - j * COLS);
                int d = j * COLS * kc;
                for (int jj = 0; jj < w; jj++) {
                    MemorySegment.copy(b, F, (bOff + (long) (col0 + j * COLS + jj) * ldb + p0) * Float.BYTES, stage, 0, kc);
                    scatter(stage, kc, dst, d + jj, COLS);
                }
                for (int jj = w; jj < COLS; jj++) {
                    for (int p = 0, o = d + jj; p < kc; p++, o += COLS) dst[o] = 0f;
                }
            }
        } else {
            // op(B)'s row p is a contiguous source line: stage it, then cut it into the panels' rows
            int width = last - first;
            int fullPanels = width / COLS;
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(b, F, (bOff + (long) (p0 + p) * ldb + col0 + first) * Float.BYTES, stage, 0, width);
                for (int j = 0; j < fullPanels; j++) {
                    int d = (panelFrom + j) * COLS * kc + p * COLS;
                    for (int v = 0; v < COLS; v += LANES) {
                        FloatVector.fromArray(SPECIES, stage, j * COLS + v).intoArray(dst, d + v);
                    }
                }
                if (fullPanels * COLS < width) {
                    int d = (panelFrom + fullPanels) * COLS * kc + p * COLS;
                    int w = width - fullPanels * COLS;
                    System.arraycopy(stage, fullPanels * COLS, dst, d, w);
                    Arrays.fill(dst, d + w, d + COLS, 0f);
                }
            }
        }
    }

    private static void scatter(float[] src, int count, float[] dst, int d, int stride) {
        for (int p = 0; p < count; p++, d += stride) dst[d] = src[p];
    }
}
