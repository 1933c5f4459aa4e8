package dev.fastdraft.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PanelGemm} against the scalar reference on row-major weights, BF16 and F16, and bit for bit against
 * itself with one row. Shapes cover every row group (1 to 6 rows, alone or after other groups), a last panel that is partly padding, odd
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

    private static final WeightType[] TYPES = {WeightType.BF16, WeightType.F16};

    private static void check(WorkerPool pool, int rows, int n, int k, long xOff, int ldx, long wOff, long yOff, int ldy,
                              boolean accumulate, boolean heapY, long seed) {
        for (WeightType type : TYPES) check(type, pool, rows, n, k, xOff, ldx, wOff, yOff, ldy, accumulate, heapY, seed, 1f);
    }

    /** One product; {@code xScale} multiplies the random activations (in [-1, 1)). */
    private static void check(WeightType type, WorkerPool pool, int rows, int n, int k, long xOff, int ldx, long wOff, long yOff, int ldy,
                              boolean accumulate, boolean heapY, long seed, float xScale) {
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(seed);
            MemorySegment x = GemvFixtures.floats(arena, rnd, xOff + (long) Math.max(0, rows - 1) * ldx + k + 3);
            for (long i = 0; i < x.byteSize() / 4; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, x.getAtIndex(ValueLayout.JAVA_FLOAT, i) * xScale);
            MemorySegment w = GemvFixtures.weights(arena, rnd, type, n, k, wOff, 5);
            MemorySegment y = GemvFixtures.floats(arena, rnd, yOff + (long) Math.max(0, rows - 1) * ldy + n + 4);
            if (heapY) y = MemorySegment.ofArray(new float[(int) (y.byteSize() / 4) + 1]).asSlice(4).copyFrom(y);
            MemorySegment yRef = arena.allocate(y.byteSize(), 4).copyFrom(y);
            float[] before = GemvFixtures.snapshot(y);
            String what = type.label() + " rows=" + rows + " n=" + n + " k=" + k + " threads=" + pool.threads() + " xOff=" + xOff + " ldx=" + ldx
                    + " wOff=" + wOff + " yOff=" + yOff + " ldy=" + ldy + " accumulate=" + accumulate + " heapY=" + heapY;

            Panels panels = Panels.pack(pool, type, w, wOff, n, k, arena);
            PanelGemm.matmulTransposed(pool, rows, x, xOff, ldx, panels, y, yOff, ldy, accumulate);
            SkinnyGemmReference.matmulTransposed(rows, n, k, x, xOff, ldx, type, w, wOff, yRef, yOff, ldy, accumulate);

            GemvFixtures.assertMatchesReference(what, type, rows, n, k, x, xOff, ldx, w, wOff, before,
                    GemvFixtures.snapshot(y), GemvFixtures.snapshot(yRef), yOff, ldy, accumulate);
        }
    }

    @Test
    void everyRowCountOnOddShapes() {
        int w = Panels.WIDTH;
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

    /** F16 rows beyond 2^15 are packed with a smaller factor than 2^112 and scaled back; rows beside them keep theirs. */
    @Test
    void f16RowsOfLargeActivations() {
        for (float scale : new float[] {0x1p14f, 0x1p15f, 0x1p16f, 1e6f, 1e20f}) {
            check(WeightType.F16, two, 5, 3 * Panels.WIDTH + 1, 70, 0, 70, 0, 0, 3 * Panels.WIDTH + 1, false, false, 20, scale);
        }
    }

    @Test
    void f16MatricesWithInfinitiesOrNaNsHaveNoPanels() {
        try (Arena arena = Arena.ofShared()) {
            for (short special : new short[] {(short) 0x7C00, (short) 0xFC00, (short) 0x7E00, (short) 0xFFFF}) {
                MemorySegment w = GemvFixtures.weights(arena, new Random(3), WeightType.F16, 40, 600, 0, 0);
                assertTrue(Panels.pack(two, WeightType.F16, w, 0, 40, 600, arena) != null, "finite weights have panels");
                w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * (39 * 600 + 599), special);
                assertEquals(null, Panels.pack(two, WeightType.F16, w, 0, 40, 600, arena), "f16 " + Integer.toHexString(special & 0xFFFF));
                // the same bits are an ordinary bf16 value
                assertTrue(Panels.pack(two, WeightType.BF16, w, 0, 40, 600, arena) != null);
            }
        }
    }

    /** The speculative decoder's premise: a row's outputs do not depend on the rows beside it. */
    @Test
    void everyRowEqualsItsSingleRowResult() {
        for (WeightType type : TYPES) for (int k : new int[] {300, 301}) {
            Random rnd = new Random(5);
            int n = 5 * Panels.WIDTH + 3;
            try (Arena arena = Arena.ofShared()) {
                MemorySegment w = GemvFixtures.weights(arena, rnd, type, n, k, 0, 0);
                Panels panels = Panels.pack(two, type, w, 0, n, k, arena);
                for (int rows = 1; rows <= 17; rows++) {
                    float[] x = new float[rows * k];
                    // some rows beyond 2^15, which F16 panels scale differently
                    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * (i / k % 3 == 2 ? 1e5f : 1f);
                    float[] all = new float[rows * n];
                    PanelGemm.matmulTransposed(two, rows, MemorySegment.ofArray(x), 0, k, panels, MemorySegment.ofArray(all), 0, n, false);
                    for (int row = 0; row < rows; row++) {
                        float[] single = new float[n];
                        PanelGemm.matmulTransposed(one, 1, MemorySegment.ofArray(x), (long) row * k, k, panels, MemorySegment.ofArray(single), 0, n, false);
                        for (int j = 0; j < n; j++) {
                            assertEquals(Float.floatToRawIntBits(single[j]), Float.floatToRawIntBits(all[row * n + j]),
                                    type.label() + " k=" + k + " row " + row + " of " + rows + ", output " + j);
                        }
                    }
                }
            }
        }
    }

    /**
     * The activation buffers are the calling thread's, reused from call to call: an infinite activation of
     * one call, left where the next call's odd k puts its zero step, must not make that call's outputs NaN.
     */
    @Test
    void noCallSeesTheActivationsOfTheCallBefore() {
        for (WeightType type : TYPES) for (int rows : new int[] {1, 3, 4, 6}) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(8);
                int n = 2 * Panels.WIDTH;
                MemorySegment w = GemvFixtures.weights(arena, rnd, type, n, 40, 0, 0);
                float[] inf = new float[rows * 40];
                java.util.Arrays.fill(inf, Float.POSITIVE_INFINITY);
                PanelGemm.matmulTransposed(one, rows, MemorySegment.ofArray(inf), 0, 40, Panels.pack(one, type, w, 0, n, 40, arena),
                        MemorySegment.ofArray(new float[rows * n]), 0, n, false);
                check(type, one, rows, n, 39, 0, 39, 0, 0, n, false, true, 9, 1f);
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(2L * 20 * 8);
            Panels panels = Panels.pack(one, WeightType.BF16, w, 0, 20, 8, arena);
            MemorySegment x = arena.allocate(4L * 8), y = arena.allocate(4L * 19);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> PanelGemm.matmulTransposed(one, 1, x, 0, 8, panels, y, 0, 20, false));
            assertTrue(e.getMessage().startsWith("PanelGemm.matmulTransposed(rows=1, n=20, k=8, bf16 panels): y [1 x 20]"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> Panels.pack(one, WeightType.F16, w, 2, 20, 8, arena));
            assertThrows(IllegalArgumentException.class, () -> Panels.pack(one, WeightType.F32, w, 0, 20, 8, arena));
            assertThrows(IllegalArgumentException.class, () -> new Panels(WeightType.BF16, 20, 8, arena.allocate(10)));
        }
    }
}
