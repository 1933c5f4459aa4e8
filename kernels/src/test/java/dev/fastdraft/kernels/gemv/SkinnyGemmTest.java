package dev.fastdraft.kernels.gemv;

import static dev.fastdraft.kernels.gemv.GemvFixtures.FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SkinnyGemm against the scalar double-accumulating reference.
 *
 * <p>Tolerance: the kernel sums in float. Each output is a chain of at most k/16 FMAs per lane, a reduction
 * over the lanes and a scalar tail of under 16 terms, so the standard bound for recursive summation gives
 * |error| <= (k/16 + 40) * 2^-24 * sum|x_i * w_i| (+ |prior y| with accumulate); we allow k/8 + 40, twice
 * that. Dropping or duplicating a single term, or decoding one weight wrongly, costs about sum|x*w| / k,
 * which is above the bound for every k tested, so the tests can fail.
 */
class SkinnyGemmTest {
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

    /** Where y lives: native memory, a float[] (the kernel writes it directly) seen from its second element, or a byte[]. */
    enum YStorage { NATIVE, FLOAT_ARRAY, BYTE_ARRAY }

    private static void check(WeightType wt, WorkerPool pool, int rows, int n, int k, long xOff, int ldx,
                              long wOff, long yOff, int ldy, boolean accumulate, long seed) {
        check(wt, pool, rows, n, k, xOff, ldx, wOff, yOff, ldy, accumulate, seed, YStorage.NATIVE);
    }

    /** One call checked against the reference; the y padding outside [rows x n] must stay untouched. */
    private static void check(WeightType wt, WorkerPool pool, int rows, int n, int k, long xOff, int ldx,
                              long wOff, long yOff, int ldy, boolean accumulate, long seed, YStorage ys) {
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(seed);
            MemorySegment x = GemvFixtures.floats(arena, rnd, xOff + (long) Math.max(0, rows - 1) * ldx + k + 3);
            MemorySegment w = GemvFixtures.weights(arena, rnd, wt, n, k, wOff, 5);
            MemorySegment y = GemvFixtures.floats(arena, rnd, yOff + (long) Math.max(0, rows - 1) * ldy + n + 4);
            y = switch (ys) {
                case NATIVE -> y;
                case FLOAT_ARRAY -> MemorySegment.ofArray(new float[(int) (y.byteSize() / 4) + 1]).asSlice(4).copyFrom(y);
                case BYTE_ARRAY -> MemorySegment.ofArray(new byte[(int) y.byteSize()]).copyFrom(y);
            };
            MemorySegment yRef = arena.allocate(y.byteSize(), 4).copyFrom(y);
            float[] before = GemvFixtures.snapshot(y);
            String what = wt + " rows=" + rows + " n=" + n + " k=" + k + " threads=" + pool.threads() + " xOff=" + xOff + " ldx=" + ldx
                    + " wOff=" + wOff + " yOff=" + yOff + " ldy=" + ldy + " accumulate=" + accumulate + " y=" + ys;

            SkinnyGemm.matmulTransposed(pool, rows, n, k, x, xOff, ldx, wt, w, wOff, y, yOff, ldy, accumulate);
            SkinnyGemmReference.matmulTransposed(rows, n, k, x, xOff, ldx, wt, w, wOff, yRef, yOff, ldy, accumulate);

            GemvFixtures.assertMatchesReference(what, wt, rows, n, k, x, xOff, ldx, w, wOff, before,
                    GemvFixtures.snapshot(y), GemvFixtures.snapshot(yRef), yOff, ldy, accumulate);
        }
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void everyRowCountOnOddShapes(WeightType wt) {
        int[][] shapes = {{1, 1}, {3, 3}, {17, 17}, {5, 1000}, {3, 4097}, {9, 33}, {4, 16}, {8, 48}};
        long seed = 1;
        for (int rows = 1; rows <= 16; rows++) {
            for (int[] nk : shapes) {
                int n = nk[0], k = nk[1];
                for (WorkerPool pool : new WorkerPool[] {one, two}) {
                    // 2-byte weights at odd, 2-aligned and 4-aligned byte offsets; f32 at unaligned ones too
                    long wOff = switch (rows % 3) { case 0 -> 1; case 1 -> 2L * wt.elementBytes() + 2; default -> 6; };
                    YStorage ys = YStorage.values()[(int) (seed % 3)];
                    check(wt, pool, rows, n, k, rows % 3 + 1, k + rows % 4, wOff, 5, n + 2, rows % 2 == 0, seed++, ys);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void largeShapes(WeightType wt) {
        for (int rows : new int[] {1, 4, 7, 16}) {
            check(wt, two, rows, 1000, 4097, 3, 4100, 2, 1, 1003, rows == 7, rows);
        }
        check(wt, one, 2, 4096, 256, 0, 256, 0, 0, 4096, false, 99);
        for (int rows : new int[] {1, 5}) check(wt, two, rows, 4097, 17, 1, 19, 3, 2, 4099, rows == 5, 100 + rows);
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void moreRowsThanOnePassTakes(WeightType wt) {
        check(wt, two, 20, 9, 100, 1, 101, 2, 0, 9, false, 7);
        check(wt, two, 37, 13, 40, 0, 40, 0, 3, 15, true, 8);
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void emptyShapes(WeightType wt) {
        check(wt, two, 3, 5, 0, 0, 0, 0, 0, 5, false, 1);
        check(wt, two, 3, 5, 0, 0, 0, 0, 0, 5, true, 2);
        check(wt, two, 0, 5, 7, 0, 7, 0, 0, 5, false, 3);
        check(wt, two, 2, 0, 7, 0, 7, 0, 0, 0, false, 4);
    }

    @Test
    void heapSegments() {
        Random rnd = new Random(5);
        int rows = 3, n = 7, k = 50;
        float[] xs = new float[rows * k];
        for (int i = 0; i < xs.length; i++) xs[i] = rnd.nextFloat() - 0.5f;
        byte[] wb = new byte[n * k * 2 + 3];
        for (int i = 0; i < n * k; i++) {
            short h = HalfFloats.floatToBf16((float) rnd.nextGaussian());
            wb[1 + 2 * i] = (byte) h;
            wb[2 + 2 * i] = (byte) (h >> 8);
        }
        float[] ys = new float[rows * n], yr = new float[rows * n];
        MemorySegment x = MemorySegment.ofArray(xs), w = MemorySegment.ofArray(wb);
        SkinnyGemm.matmulTransposed(two, rows, n, k, x, 0, k, WeightType.BF16, w, 1, MemorySegment.ofArray(ys), 0, n, false);
        SkinnyGemmReference.matmulTransposed(rows, n, k, x, 0, k, WeightType.BF16, w, 1, MemorySegment.ofArray(yr), 0, n, false);
        for (int i = 0; i < ys.length; i++) assertEquals(yr[i], ys[i], 1e-4f * (1 + Math.abs(yr[i])), "y[" + i + "]");
    }

    /** Infinite and NaN weights in the vector part and in the tail give the reference's inf or NaN, in every row group shape. */
    @ParameterizedTest
    @EnumSource(WeightType.class)
    void infiniteAndNanWeights(WeightType wt) {
        int n = 9, k = 37; // 2 full blocks of 16 (or 32) and a tail, whatever the vector width
        for (int rows : new int[] {1, 2, 4, 7}) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(rows);
                MemorySegment x = GemvFixtures.floats(arena, rnd, (long) rows * k);
                MemorySegment w = GemvFixtures.weights(arena, rnd, wt, n, k, 0, 0);
                setWeight(wt, w, k, 0, 3, Float.POSITIVE_INFINITY);
                setWeight(wt, w, k, 2, 36, Float.NEGATIVE_INFINITY);
                setWeight(wt, w, k, 5, 20, Float.NaN);
                setWeight(wt, w, k, 6, 1, Float.POSITIVE_INFINITY);
                setWeight(wt, w, k, 6, 2, Float.NEGATIVE_INFINITY);
                x.setAtIndex(FLOAT, 1, 0f); // row 0: 0 * inf = NaN in output 6
                MemorySegment y = arena.allocate((long) rows * n * 4, 4), yRef = arena.allocate((long) rows * n * 4, 4);
                SkinnyGemm.matmulTransposed(two, rows, n, k, x, 0, k, wt, w, 0, y, 0, n, false);
                SkinnyGemmReference.matmulTransposed(rows, n, k, x, 0, k, wt, w, 0, yRef, 0, n, false);
                for (int i = 0; i < rows * n; i++) {
                    float got = y.getAtIndex(FLOAT, i), want = yRef.getAtIndex(FLOAT, i);
                    String what = wt + " rows=" + rows + " y[" + i / n + "][" + i % n + "]";
                    if (Float.isNaN(want) || Float.isInfinite(want)) {
                        assertEquals(want, got, what); // assertEquals(float, float) treats NaN as equal to NaN
                    } else {
                        assertEquals(want, got, 1e-4f * (1 + Math.abs(want)), what);
                    }
                }
                assertTrue(Float.isNaN(yRef.getAtIndex(FLOAT, 6)) && Float.isInfinite(yRef.getAtIndex(FLOAT, 0)), "the fixture makes NaN and inf outputs");
            }
        }
    }

    /** f16 packs activations times 2^112; huge activations must take the rescaled path, not overflow. */
    @Test
    void f16WithHugeActivations() {
        int rows = 3, n = 6, k = 70;
        for (float big : new float[] {4e4f, 1e9f, 1e30f}) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(11);
                MemorySegment x = GemvFixtures.floats(arena, rnd, (long) rows * k);
                for (int i = 0; i < rows * k; i += 7) x.setAtIndex(FLOAT, i, big * (rnd.nextFloat() - 0.5f));
                MemorySegment w = GemvFixtures.weights(arena, rnd, WeightType.F16, n, k, 0, 0);
                MemorySegment y = arena.allocate((long) rows * n * 4, 4), yRef = arena.allocate((long) rows * n * 4, 4);
                SkinnyGemm.matmulTransposed(two, rows, n, k, x, 0, k, WeightType.F16, w, 0, y, 0, n, false);
                SkinnyGemmReference.matmulTransposed(rows, n, k, x, 0, k, WeightType.F16, w, 0, yRef, 0, n, false);
                for (int i = 0; i < rows * n; i++) {
                    float got = y.getAtIndex(FLOAT, i), want = yRef.getAtIndex(FLOAT, i);
                    assertTrue(Float.isFinite(got), "finite result for activations up to " + big);
                    assertEquals(want, got, 1e-4f * big, "y[" + i + "] with activations up to " + big);
                }
            }
        }
    }

    /** A NaN or an infinity among the activations spoils only its own row, in every format (f16 picks its packing scale from the finite ones). */
    @ParameterizedTest
    @EnumSource(WeightType.class)
    void nonFiniteActivationsStayInTheirRow(WeightType wt) {
        int rows = 3, n = 5, k = 40;
        try (Arena arena = Arena.ofShared()) {
            Random rnd = new Random(21);
            MemorySegment x = GemvFixtures.floats(arena, rnd, (long) rows * k);
            x.setAtIndex(FLOAT, 7, Float.NaN);
            x.setAtIndex(FLOAT, k + 33, Float.POSITIVE_INFINITY);
            MemorySegment w = GemvFixtures.weights(arena, rnd, wt, n, k, 0, 0);
            MemorySegment y = arena.allocate((long) rows * n * 4, 4), yRef = arena.allocate((long) rows * n * 4, 4);
            SkinnyGemm.matmulTransposed(two, rows, n, k, x, 0, k, wt, w, 0, y, 0, n, false);
            SkinnyGemmReference.matmulTransposed(rows, n, k, x, 0, k, wt, w, 0, yRef, 0, n, false);
            for (int j = 0; j < n; j++) {
                assertTrue(Float.isNaN(y.getAtIndex(FLOAT, j)), wt + ": NaN activation gives NaN in row 0");
                float inf = y.getAtIndex(FLOAT, n + j), infRef = yRef.getAtIndex(FLOAT, n + j);
                assertEquals(infRef, inf, wt + ": infinite activation in row 1, output " + j);
                float want = yRef.getAtIndex(FLOAT, 2 * n + j);
                assertEquals(want, y.getAtIndex(FLOAT, 2 * n + j), 1e-4f * (1 + Math.abs(want)), wt + ": row 2 unaffected");
            }
        }
    }

    private static void setWeight(WeightType wt, MemorySegment w, int k, int row, int col, float v) {
        long at = (row * (long) k + col) * wt.elementBytes();
        switch (wt) {
            case F32 -> w.set(HalfFloats.FLOAT_LE, at, v);
            case BF16 -> w.set(HalfFloats.SHORT_LE, at, HalfFloats.floatToBf16(v));
            case F16 -> w.set(HalfFloats.SHORT_LE, at, Float.floatToFloat16(v));
        }
    }
}
