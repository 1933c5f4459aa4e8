package dev.fastdraft.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.engine.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Runs a {@link MatmulOps} implementation against {@link ScalarMatmul} on random shapes with tails
 * (1, odd sizes, sizes just past the 32-wide tiles), all transpose combinations, strided operands,
 * offsets, accumulate, and native as well as heap memory.
 *
 * <p>Tolerance: |got - exact| <= (k + 2) * 2^-24 * sum_p |a_ip * b_pj| (plus |C| when accumulating):
 * the worst-case rounding bound of a k-term float sum in any order, plus the final rounding, so any
 * correct kernel passes whatever its summation order, and a wrong index (an error of the size of one
 * term or more) fails. The largest error seen, relative to that magnitude, is returned for reporting.
 */
final class MatmulConformance {
    private MatmulConformance() {}

    static final int[][] SGEMM_SHAPES = {
        {1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {2, 3, 1}, {33, 17, 65}, {32, 32, 16}, {31, 45, 17}, {70, 33, 129}, {3, 100, 47}, {64, 96, 40},
    };
    static final int[][] GEMV_SHAPES = {{1, 1}, {3, 70}, {65, 129}, {128, 256}, {17, 1000}};
    static final int[] GEMV_ROWS = {1, 2, 4, 5, 9};
    static final float SENTINEL = -12345.5f;

    /** Returns the largest |error| / magnitude seen. */
    static double checkSgemm(MatmulOps ops, long seed) {
        Random rnd = new Random(seed);
        double worst = 0;
        int caseNo = 0;
        for (int[] s : SGEMM_SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0, transB = (t & 2) != 0, accumulate = (caseNo % 3) == 2, heap = (caseNo % 2) == 1;
                int m = s[0], n = s[1], k = s[2];
                int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
                int lda = aCols + rnd.nextInt(3), ldb = bCols + rnd.nextInt(3), ldc = n + rnd.nextInt(3);
                int aOff = rnd.nextInt(4), bOff = rnd.nextInt(4), cOff = rnd.nextInt(4);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment a = floats(arena, heap, aOff + (long) aRows * lda + 2, rnd, false);
                    MemorySegment b = floats(arena, heap, bOff + (long) bRows * ldb + 2, rnd, false);
                    MemorySegment c = floats(arena, heap, cOff + (long) m * ldc + 2, rnd, !accumulate);
                    MemorySegment expected = copy(c);
                    ScalarMatmul ref = new ScalarMatmul();
                    ref.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, expected, cOff, ldc, accumulate);
                    ops.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                    String what = "sgemm case " + caseNo + " (m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB
                            + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets=" + aOff + "/" + bOff + "/" + cOff
                            + " accumulate=" + accumulate + " heap=" + heap + ")";
                    worst = Math.max(worst, compare(what, ref, c, expected, cOff, m, n, ldc, k));
                }
                caseNo++;
            }
        }
        return worst;
    }

    static double checkGemv(MatmulOps ops, DType wt, long seed) {
        Random rnd = new Random(seed);
        double worst = 0;
        int caseNo = 0;
        for (int[] s : GEMV_SHAPES) {
            for (int rows : GEMV_ROWS) {
                int n = s[0], k = s[1];
                boolean accumulate = caseNo % 3 == 1, heap = caseNo % 2 == 1;
                int ldx = k + rnd.nextInt(3), ldy = n + rnd.nextInt(3), xOff = rnd.nextInt(4), yOff = rnd.nextInt(4);
                long wByteOff = (long) rnd.nextInt(4) * wt.byteSize();
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment x = floats(arena, heap, xOff + (long) rows * ldx + 1, rnd, false);
                    long wBytes = wByteOff + (long) n * k * wt.byteSize() + 8;
                    MemorySegment w = heap ? MemorySegment.ofArray(new byte[(int) wBytes]) : arena.allocate(wBytes, 64);
                    for (long i = 0; i < (long) n * k; i++) ScalarMatmul.storeWeight(wt, w, wByteOff, i, (float) rnd.nextGaussian());
                    MemorySegment y = floats(arena, heap, yOff + (long) rows * ldy + 1, rnd, !accumulate);
                    MemorySegment expected = copy(y);
                    ScalarMatmul ref = new ScalarMatmul();
                    ref.matmulTransposed(rows, n, k, x, xOff, ldx, wt, w, wByteOff, expected, yOff, ldy, accumulate);
                    ops.matmulTransposed(rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy, accumulate);
                    String what = "matmulTransposed " + wt + " case " + caseNo + " (rows=" + rows + " n=" + n + " k=" + k + " ldx=" + ldx
                            + " ldy=" + ldy + " wByteOff=" + wByteOff + " accumulate=" + accumulate + " heap=" + heap + ")";
                    worst = Math.max(worst, compare(what, ref, y, expected, yOff, rows, n, ldy, k));
                }
                caseNo++;
            }
        }
        return worst;
    }

    /** Checks every output element against the bound, and that nothing outside the m x n block changed. */
    private static double compare(String what, ScalarMatmul ref, MemorySegment got, MemorySegment expected, long off, int m, int n, int ld, int k) {
        double tol = (k + 2) * Math.scalb(1.0, -24);
        double worst = 0;
        long elems = got.byteSize() / 4;
        for (long e = 0; e < elems; e++) {
            long rel = e - off;
            boolean inside = rel >= 0 && rel / ld < m && rel % ld < n;
            float g = got.getAtIndex(ScalarMatmul.F, e);
            if (!inside) {
                assertEquals(expected.getAtIndex(ScalarMatmul.F, e), g, 0f, what + ": element " + e + " outside the output block changed");
                continue;
            }
            int i = (int) (rel / ld), j = (int) (rel % ld);
            double exact = ref.exact[i * n + j], mag = ref.magnitude[i * n + j];
            double err = Math.abs(g - exact);
            if (!(err <= tol * mag + 1e-30)) fail(what + ": C[" + i + "," + j + "] = " + g + ", exact " + exact + ", error " + err
                    + " above " + tol + " * " + mag);
            if (mag > 0) worst = Math.max(worst, err / mag);
        }
        return worst;
    }

    private static MemorySegment floats(Arena arena, boolean heap, long count, Random rnd, boolean sentinel) {
        MemorySegment seg = heap ? MemorySegment.ofArray(new float[(int) count]) : arena.allocate(count * 4, 64);
        for (long i = 0; i < count; i++) seg.setAtIndex(ScalarMatmul.F, i, sentinel ? SENTINEL : (float) rnd.nextGaussian());
        return seg;
    }

    private static MemorySegment copy(MemorySegment seg) {
        MemorySegment c = MemorySegment.ofArray(new float[(int) (seg.byteSize() / 4)]);
        c.copyFrom(seg);
        return c;
    }
}
