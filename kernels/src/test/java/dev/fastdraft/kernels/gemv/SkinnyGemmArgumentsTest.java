package dev.fastdraft.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments are refused with a message that names the op, the shapes and the offending argument. */
class SkinnyGemmArgumentsTest {
    private static final int ROWS = 2, N = 3, K = 5;
    private static WorkerPool pool;
    private static Arena arena;
    private static MemorySegment x, w, y;

    @BeforeAll
    static void setUp() {
        pool = new WorkerPool(2);
        arena = Arena.ofShared();
        x = arena.allocate(ROWS * K * 4L, 4);
        w = arena.allocate(N * K * 2L, 2);
        y = arena.allocate(ROWS * N * 4L, 4);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
        arena.close();
    }

    private static void refused(Class<? extends RuntimeException> type, String mentions, Executable call) {
        RuntimeException e = assertThrows(type, call);
        String m = e.getMessage();
        assertTrue(m.contains("SkinnyGemm.matmulTransposed") && m.contains("n=" + N) && m.contains("k=" + K) && m.contains(mentions),
                "message should name the op, the shapes and '" + mentions + "': " + m);
    }

    @Test
    void validCallPasses() {
        SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, y, 0, N, false);
    }

    @Test
    void negativeSizes() {
        RuntimeException e = assertThrows(IllegalArgumentException.class,
                () -> SkinnyGemm.matmulTransposed(pool, -1, N, K, x, 0, K, WeightType.BF16, w, 0, y, 0, N, false));
        assertTrue(e.getMessage().contains("rows"), e.getMessage());
        refused(IllegalArgumentException.class, "ldx=4", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, 4, WeightType.BF16, w, 0, y, 0, N, false));
        refused(IllegalArgumentException.class, "ldy=2", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, y, 0, 2, false));
    }

    @Test
    void nulls() {
        refused(IllegalArgumentException.class, "pool", () -> SkinnyGemm.matmulTransposed(null, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, y, 0, N, false));
        refused(IllegalArgumentException.class, "weight type", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, null, w, 0, y, 0, N, false));
        refused(IllegalArgumentException.class, "x is null", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, null, 0, K, WeightType.BF16, w, 0, y, 0, N, false));
        refused(IllegalArgumentException.class, "w is null", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, null, 0, y, 0, N, false));
        refused(IllegalArgumentException.class, "y is null", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, null, 0, N, false));
    }

    @Test
    void activationsOutOfRange() {
        refused(IndexOutOfBoundsException.class, "xOff=-1", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, -1, K, WeightType.BF16, w, 0, y, 0, N, false));
        refused(IndexOutOfBoundsException.class, "x [2 x 5]", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 1, K, WeightType.BF16, w, 0, y, 0, N, false));
        refused(IndexOutOfBoundsException.class, "ldx=6", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, 6, WeightType.BF16, w, 0, y, 0, N, false));
    }

    @Test
    void weightsOutOfRange() {
        refused(IndexOutOfBoundsException.class, "wByteOff=-2", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, -2, y, 0, N, false));
        refused(IndexOutOfBoundsException.class, "need bytes [1, 31)", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 1, y, 0, N, false));
        refused(IndexOutOfBoundsException.class, "f32 need bytes [0, 60)", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.F32, w, 0, y, 0, N, false));
        refused(IndexOutOfBoundsException.class, "w holds 30 bytes", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.F16, w, Long.MAX_VALUE, y, 0, N, false));
    }

    @Test
    void outputsOutOfRangeOrUnwritable() {
        refused(IndexOutOfBoundsException.class, "yOff=-3", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, y, -3, N, false));
        refused(IndexOutOfBoundsException.class, "y [2 x 3]", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, y, 0, 4, false));
        refused(IllegalArgumentException.class, "read-only", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, w, 0, y.asReadOnly(), 0, N, false));
    }

    @Test
    void confinedSegmentsNeedAOneThreadPool() {
        try (Arena confined = Arena.ofConfined(); WorkerPool single = new WorkerPool(1)) {
            MemorySegment cw = confined.allocate(N * K * 2L, 2);
            refused(IllegalArgumentException.class, "w belongs to a thread-confined arena",
                    () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, cw, 0, y, 0, N, false));
            SkinnyGemm.matmulTransposed(single, ROWS, N, K, x, 0, K, WeightType.BF16, cw, 0, y, 0, N, false);
        }
    }

    @Test
    void outputsOverlappingInputs() {
        MemorySegment shared = arena.allocate(64 * 4L, 4);
        refused(IllegalArgumentException.class, "y overlaps x", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, shared, 0, K, WeightType.BF16, w, 0, shared, 8, N, false));
        refused(IllegalArgumentException.class, "y overlaps w", () -> SkinnyGemm.matmulTransposed(pool, ROWS, N, K, x, 0, K, WeightType.BF16, shared, 0, shared, 4, N, false));
        // disjoint parts of one segment are fine
        SkinnyGemm.matmulTransposed(pool, ROWS, N, K, shared, 0, K, WeightType.BF16, shared, 40, shared, 32, N, false);
    }
}
