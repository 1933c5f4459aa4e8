package dev.fastdraft.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sgemm against {@link SgemmReference} on shapes that reach every path: the unpacked small-problem
 * forms, the packed kernel with its edge tiles and its k, n and m blocking, one and two threads.
 *
 * <p>Tolerance: a float sum of k products, each rounded with relative error at most u = 2^-24, plus
 * the final addition to C, is off by at most about (k + 2) u times the sum of the magnitudes
 * {@code |old C| + sum |a||b|} (the standard bound for recursive summation; blocking and FMA only
 * regroup the same roundings). The test allows twice that, computed per entry from the same
 * reference run on absolute values, so it holds for any k, while an indexing or blocking mistake
 * produces errors of the size of the entries themselves.
 */
class SgemmTest {
    private static WorkerPool one;
    private static WorkerPool two;

    @BeforeAll
    static void pools() {
        one = new WorkerPool(1);
        two = new WorkerPool(2);
    }

    @AfterAll
    static void close() {
        one.close();
        two.close();
    }

    /** One multiplication: shapes, layouts, padding of the leading dimensions and offsets. */
    record Case(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, int padA, int padB, int padC, int offset) {
        int lda() { return (transA ? m : k) + padA; }
        int ldb() { return (transB ? k : n) + padB; }
        int ldc() { return n + padC; }
        int sizeA() { return offset + (transA ? k : m) * lda() + 3; }
        int sizeB() { return offset + (transB ? n : k) * ldb() + 3; }
        int sizeC() { return offset + m * ldc() + 3; }

        @Override
        public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB + " acc=" + accumulate
                    + " lda=" + lda() + " ldb=" + ldb() + " ldc=" + ldc() + " off=" + offset;
        }
    }

    @Test
    void namedShapesAllLayouts() {
        int[][] shapes = {
            {1, 1, 1}, {1, 7, 3}, {2, 1, 9}, {17, 33, 5}, {129, 65, 257}, {16, 16, 16}, {17, 16, 1},
            {33, 17, 300}, {64, 64, 64}, {5, 40, 70}, {1, 300, 40}, {300, 1, 40}, {40, 9, 33}, {70, 100, 1},
        };
        for (int[] s : shapes) {
            for (int layout = 0; layout < 4; layout++) {
                for (boolean acc : new boolean[] {false, true}) {
                    Case tight = new Case(s[0], s[1], s[2], (layout & 1) != 0, (layout & 2) != 0, acc, 0, 0, 0, 0);
                    Case strided = new Case(s[0], s[1], s[2], (layout & 1) != 0, (layout & 2) != 0, acc, 3, 5, 7, 11);
                    for (WorkerPool pool : new WorkerPool[] {one, two}) {
                        check(pool, tight, 42);
                        check(pool, strided, 43);
                    }
                }
            }
        }
    }

    @Test
    void randomShapes() {
        Random r = new Random(7);
        for (int t = 0; t < 120; t++) {
            int m = 1 + r.nextInt(t % 3 == 0 ? 200 : 40);
            int n = 1 + r.nextInt(t % 4 == 0 ? 200 : 50);
            int k = 1 + r.nextInt(t % 5 == 0 ? 600 : 60);
            Case c = new Case(m, n, k, r.nextBoolean(), r.nextBoolean(), r.nextBoolean(),
                    r.nextInt(3) * r.nextInt(9), r.nextInt(3) * r.nextInt(9), r.nextInt(3) * r.nextInt(9), r.nextInt(20));
            check(r.nextBoolean() ? one : two, c, t);
        }
    }

    /** Crosses every blocking boundary of the packed path: several k blocks, column blocks and row blocks. */
    @Test
    void largeBlockedProblems() {
        check(two, new Case(300, 700, 600, false, false, true, 1, 2, 3, 4), 1);
        check(two, new Case(257, 530, 520, true, true, false, 0, 0, 0, 0), 2);
        check(one, new Case(20, 1100, 30, false, true, true, 0, 1, 0, 0), 9);
        check(two, new Case(21, 2200, 20, true, false, false, 0, 0, 0, 0), 10);
        check(one, new Case(4100, 20, 3, false, true, false, 0, 0, 0, 0), 3);
        check(two, new Case(4100, 33, 5, true, false, true, 2, 0, 1, 5), 4);
        // the small path's k chunks
        check(two, new Case(3, 40, 2100, false, false, true, 0, 0, 0, 0), 5);
        check(two, new Case(5, 3, 2100, true, true, false, 1, 1, 1, 1), 6);
        // decode-like: one row against a large transposed weight matrix, split over threads
        check(two, new Case(1, 1000, 700, false, true, false, 0, 0, 0, 0), 7);
        check(two, new Case(2, 1000, 700, false, false, false, 0, 0, 0, 0), 8);
    }

    @Test
    void overwriteIgnoresOldContentsAndKZero() {
        int m = 40, n = 50, k = 30;
        float[] a = random(m * k, 1), b = random(k * n, 2);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        Sgemm.sgemm(two, false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        float[] want = new float[m * n];
        SgemmReference.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, want, 0, n, false);
        for (int i = 0; i < c.length; i++) assertTrue(Math.abs(c[i] - want[i]) <= 1e-4f * Math.max(1, Math.abs(want[i])), "entry " + i);

        float[] z = random(m * n, 3);
        float[] keep = z.clone();
        Sgemm.sgemm(two, false, false, m, n, 0, new float[0], 0, 1, new float[0], 0, n, z, 0, n, true);
        assertEquals(java.util.Arrays.toString(keep), java.util.Arrays.toString(z), "k=0 with accumulate leaves C alone");
        Sgemm.sgemm(two, false, false, m, n, 0, new float[0], 0, 1, new float[0], 0, n, z, 0, n, false);
        for (float v : z) assertEquals(0f, v, "k=0 without accumulate zeroes C");
        Sgemm.sgemm(two, false, false, 0, n, k, new float[0], 0, k, b, 0, n, new float[0], 0, n, false);
    }

    @Test
    void nativeSegmentsSharedAndConfined() {
        int m = 150, n = 140, k = 130;
        float[] a = random(m * k, 4), b = random(n * k, 5), c0 = random(m * n, 6);
        float[] want = c0.clone();
        SgemmReference.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, want, 0, n, true);
        for (Arena arena : new Arena[] {Arena.ofShared(), Arena.ofConfined()}) {
            try (arena) {
                MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                MemorySegment sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c0);
                // two threads asked for: a confined segment must still work (on the calling thread)
                Sgemm.sgemm(two, false, true, m, n, k, sa, 0, k, sb, 0, k, sc, 0, n, true);
                float[] got = sc.toArray(ValueLayout.JAVA_FLOAT);
                for (int i = 0; i < got.length; i++) {
                    assertTrue(Math.abs(got[i] - want[i]) <= 1e-4f * Math.max(1, Math.abs(want[i])), "entry " + i);
                }
            }
        }
    }

    @Test
    void concurrentCallersWithDifferentPools() throws Exception {
        try (WorkerPool p1 = new WorkerPool(2); WorkerPool p2 = new WorkerPool(2)) {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                WorkerPool p = t % 2 == 0 ? p1 : p2;
                int seed = 100 + t;
                runs.add(CompletableFuture.runAsync(() -> {
                    for (int rep = 0; rep < 3; rep++) {
                        check(p, new Case(120 + seed % 7, 130, 300 + rep, rep == 1, seed % 2 == 0, false, 0, 0, 0, 0), seed + rep);
                    }
                }));
            }
            for (CompletableFuture<Void> f : runs) f.get();
        }
    }

    @Test
    void badArgumentsNameTheOpShapesAndArgument() {
        float[] a = new float[12], b = new float[12], c = new float[12];
        expect(IllegalArgumentException.class, "m=-1", () -> Sgemm.sgemm(one, false, false, -1, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
        expect(IllegalArgumentException.class, "lda=3", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 3, b, 0, 3, c, 0, 3, false));
        expect(IllegalArgumentException.class, "ldb=2", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 4, b, 0, 2, c, 0, 3, false));
        expect(IllegalArgumentException.class, "ldb=3", () -> Sgemm.sgemm(one, false, true, 3, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
        expect(IllegalArgumentException.class, "ldc=2", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 4, b, 0, 3, c, 0, 2, false));
        expect(IllegalArgumentException.class, "lda=2", () -> Sgemm.sgemm(one, true, false, 3, 3, 4, a, 0, 2, b, 0, 3, c, 0, 3, false));
        expect(IndexOutOfBoundsException.class, "offset 1", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 1, 4, b, 0, 3, c, 0, 3, false));
        expect(IndexOutOfBoundsException.class, "offset -1", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 4, b, -1, 3, c, 0, 3, false));
        expect(IndexOutOfBoundsException.class, "holds 12", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 4, b, 0, 3, c, 0, 5, false));
        expect(IndexOutOfBoundsException.class, "offset 13", () -> Sgemm.sgemm(one, false, false, 0, 3, 4, a, 0, 4, b, 0, 3, c, 13, 3, false));
        MemorySegment ro = MemorySegment.ofArray(c).asReadOnly();
        expect(IllegalArgumentException.class, "read-only", () -> Sgemm.sgemm(one, false, false, 3, 3, 4,
                MemorySegment.ofArray(a), 0, 4, MemorySegment.ofArray(b), 0, 3, ro, 0, 3, false));
        expect(NullPointerException.class, "b is null", () -> Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 4, null, 0, 3, c, 0, 3, false));
        // exactly fitting arguments are accepted, including a matrix ending at the last float
        Sgemm.sgemm(one, false, false, 3, 3, 4, a, 0, 4, b, 0, 3, c, 3, 3, false);
    }

    private static void expect(Class<? extends Throwable> type, String detail, Runnable call) {
        Throwable t = assertThrows(type, call::run);
        String msg = t.getMessage();
        assertTrue(msg != null && msg.contains("sgemm") && msg.contains(detail), "message '" + msg + "' should name sgemm and '" + detail + "'");
        if (!(t instanceof NullPointerException)) {
            assertTrue(msg.contains("m=") && msg.contains("n=") && msg.contains("k="), "message '" + msg + "' should give the shapes");
        }
    }

    /**
     * Both loop orders of the packed kernel on every machine (only one of them is the default here), and
     * blocks small enough that one call crosses many row, column and depth block boundaries.
     */
    @Test
    void everyBlockingOfThePackedKernel() {
        int rows = SgemmMicroKernel.ROWS, cols = SgemmMicroKernel.COLS;
        List<SgemmPacked.Blocking> blockings = List.of(SgemmPacked.B_PANEL_OUTER, SgemmPacked.A_PANEL_OUTER,
                new SgemmPacked.Blocking(3 * rows, 2 * cols, rows), new SgemmPacked.Blocking(5 * rows, 3 * cols, 2 * rows));
        List<Case> cases = List.of(new Case(300, 700, 600, false, false, true, 1, 2, 3, 4),
                new Case(97, 131, 1030, true, true, false, 0, 0, 0, 0),
                new Case(rows * 7, cols * 9, 513, false, true, false, 0, 0, 0, 0));
        long seed = 40;
        for (SgemmPacked.Blocking blk : blockings) {
            for (Case t : cases) {
                for (WorkerPool pool : List.of(one, two)) {
                    check(t, seed++, "threads=" + pool.threads() + " " + blk, o -> SgemmPacked.run(pool, pool.threads(), blk, t.transA(), t.transB(),
                            t.m(), t.n(), t.k(), MemorySegment.ofArray(o.a()), t.offset(), t.lda(), MemorySegment.ofArray(o.b()), t.offset(), t.ldb(),
                            MemorySegment.ofArray(o.c()), t.offset(), t.ldc(), t.accumulate()));
                }
            }
        }
    }

    private record Operands(float[] a, float[] b, float[] c) {}

    /** Runs one case through Sgemm and the reference and compares entry by entry, padding included. */
    private static void check(WorkerPool pool, Case t, long seed) {
        check(t, seed, "threads=" + pool.threads(), o -> Sgemm.sgemm(pool, t.transA(), t.transB(), t.m(), t.n(), t.k(),
                o.a(), t.offset(), t.lda(), o.b(), t.offset(), t.ldb(), o.c(), t.offset(), t.ldc(), t.accumulate()));
    }

    private static void check(Case t, long seed, String how, Consumer<Operands> multiply) {
        Random r = new Random(seed);
        float[] a = random(t.sizeA(), r.nextLong());
        float[] b = random(t.sizeB(), r.nextLong());
        float[] c = random(t.sizeC(), r.nextLong());
        float[] want = c.clone();
        SgemmReference.sgemm(t.transA(), t.transB(), t.m(), t.n(), t.k(), a, t.offset(), t.lda(), b, t.offset(), t.ldb(),
                want, t.offset(), t.ldc(), t.accumulate());
        float[] bound = abs(c);
        SgemmReference.sgemm(t.transA(), t.transB(), t.m(), t.n(), t.k(), abs(a), t.offset(), t.lda(), abs(b), t.offset(), t.ldb(),
                bound, t.offset(), t.ldc(), t.accumulate());
        float[] got = c.clone();
        multiply.accept(new Operands(a, b, got));
        double u = Math.ulp(1f) / 2;
        for (int i = 0; i < got.length; i++) {
            boolean inside = i >= t.offset() && i < t.offset() + t.m() * t.ldc() && (i - t.offset()) % t.ldc() < t.n();
            if (!inside) {
                if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(c[i])) {
                    fail(t + " (" + how + "): wrote outside C at index " + i);
                }
                continue;
            }
            double tol = 2 * (t.k() + 2) * u * bound[i] + Float.MIN_NORMAL;
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                int row = (i - t.offset()) / t.ldc(), col = (i - t.offset()) % t.ldc();
                fail(t + " (" + how + "): C[" + row + "][" + col + "] = " + got[i] + ", reference " + want[i] + ", tolerance " + tol);
            }
        }
    }

    private static float[] random(int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.abs(x[i]);
        return y;
    }
}
