package dev.fastdraft.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PanelGemm} against the scalar reference on row-major weights, and bit for bit against itself with
 * one row. Shapes cover every row group (4, 3, 2, 1 left over), a last panel that is partly padding, odd
 * panel counts (a panel without a partner) and ranges of 4 panels or not; the tolerance is the one
 * {@link SkinnyGemmTest} explains.
 */
class PanelGemmTest {
    private static WorkerPool one;
    private static WorkerPool two;

    @BeforeAll
    static void pools() {
        one = new WorkerPool(1);
        two = new WorkerPool(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }

    private static void check(WorkerPool pool, int rows, int n, int k, long xOff, int ldx, long wOff, long yOff, int ldy,
                              boolean accumulate, boolean heapY, long seed) {
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(seed);
            MemorySegment x = GemvFixtures.floats(arena, rnd, xOff + (long) Math.max(0, rows - 1) * ldx + k + 3);
            MemorySegment w = GemvFixtures.weights(arena, rnd, WeightType.BF16, n, k, wOff, 5);
            MemorySegment y = GemvFixtures.floats(arena, rnd, yOff + (long) Math.max(0, rows - 1) * ldy + n + 4);
            if (heapY) y = MemorySegment.ofArray(new float[(int) (y.byteSize() / 4) + 1]).asSlice(4).copyFrom(y);
            MemorySegment yRef = arena.allocate(y.byteSize(), 4).copyFrom(y);
            float[] before = GemvFixtures.snapshot(y);
            String what = "rows=" + rows + " n=" + n + " k=" + k + " threads=" + pool.threads() + " xOff=" + xOff + " ldx=" + ldx
                    + " wOff=" + wOff + " yOff=" + yOff + " ldy=" + ldy + " accumulate=" + accumulate + " heapY=" + heapY;

            Bf16Panels panels = Bf16Panels.pack(pool, w, wOff, n, k, arena);
            PanelGemm.matmulTransposed(pool, rows, x, xOff, ldx, panels, y, yOff, ldy, accumulate);
            SkinnyGemmReference.matmulTransposed(rows, n, k, x, xOff, ldx, WeightType.BF16, w, wOff, yRef, yOff, ldy, accumulate);

            GemvFixtures.assertMatchesReference(what, WeightType.BF16, rows, n, k, x, xOff, ldx, w, wOff, before,
                    GemvFixtures.snapshot(y), GemvFixtures.snapshot(yRef), yOff, ldy, accumulate);
        }
    }

    @Test
    void everyRowCountOnOddShapes() {
        int w = Bf16Panels.WIDTH;
        int[][] shapes = {{1, 1}, {3, 3}, {w, 17}, {w + 1, 33}, {3 * w - 5, 100}, {4 * w, 48}, {9 * w + 7, 257}, {13 * w, 64}};
        long seed = 1;
        for (int[] s : shapes) {
            for (int rows = 1; rows <= 11; rows++) {
                check(one, rows, s[0], s[1], 0, s[1], 0, 0, s[0], false, false, seed++);
                check(two, rows, s[0], s[1], 3, s[1] + 5, 1, 2, s[0] + 3, rows % 2 == 0, rows % 3 == 0, seed++);
            }
        }
    }

    @Test
    void largeShapesAndManyRows() {
        check(two, 1, 1000, 4097, 0, 4097, 0, 0, 1000, false, false, 7);
        check(two, 6, 2048, 512, 1, 520, 3, 5, 2050, false, true, 8);
        check(two, 37, 700, 129, 0, 129, 0, 0, 700, true, false, 9);
    }

    @Test
    void emptyShapes() {
        check(two, 0, 16, 8, 0, 8, 0, 0, 16, false, false, 10);
        check(two, 3, 0, 8, 0, 8, 0, 0, 1, false, false, 11);
        check(two, 3, 20, 0, 0, 1, 0, 0, 20, false, false, 12);
        check(two, 3, 20, 0, 0, 1, 0, 0, 20, true, false, 13);
    }

    /** The speculative decoder's premise: a row's outputs do not depend on the rows beside it. */
    @Test
    void everyRowEqualsItsSingleRowResult() {
        Random rnd = new Random(5);
        int n = 5 * Bf16Panels.WIDTH + 3, k = 300;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = GemvFixtures.weights(arena, rnd, WeightType.BF16, n, k, 0, 0);
            Bf16Panels panels = Bf16Panels.pack(two, w, 0, n, k, arena);
            for (int rows = 1; rows <= 17; rows++) {
                float[] x = new float[rows * k];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                float[] all = new float[rows * n];
                PanelGemm.matmulTransposed(two, rows, MemorySegment.ofArray(x), 0, k, panels, MemorySegment.ofArray(all), 0, n, false);
                for (int row = 0; row < rows; row++) {
                    float[] single = new float[n];
                    PanelGemm.matmulTransposed(one, 1, MemorySegment.ofArray(x), (long) row * k, k, panels, MemorySegment.ofArray(single), 0, n, false);
                    for (int j = 0; j < n; j++) {
                        assertEquals(Float.floatToRawIntBits(single[j]), Float.floatToRawIntBits(all[row * n + j]), "row " + row + " of " + rows + ", output " + j);
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(2L * 20 * 8);
            Bf16Panels panels = Bf16Panels.pack(one, w, 0, 20, 8, arena);
            MemorySegment x = arena.allocate(4L * 8), y = arena.allocate(4L * 19);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> PanelGemm.matmulTransposed(one, 1, x, 0, 8, panels, y, 0, 20, false));
            assertTrue(e.getMessage().startsWith("PanelGemm.matmulTransposed(rows=1, n=20, k=8, bf16 panels): y [1 x 20]"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> Bf16Panels.pack(one, w, 2, 20, 8, arena));
            assertThrows(IllegalArgumentException.class, () -> new Bf16Panels(20, 8, arena.allocate(10)));
        }
    }
}
