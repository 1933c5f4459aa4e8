package dev.fastdraft.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forward against the naive double reference. With q, k in [-1, 1] (scores within a few units) and
 * v in [-1, 1], float32 scores and probabilities are good to a few 1e-7 relative; outputs are
 * convex combinations of v, so errors are below 2e-6 absolute; lse below 2e-6 (1 + |lse|).
 */
class FlashAttentionTest {
    static final WorkerPool POOL = new WorkerPool(3);

    record Case(int nHeads, int nKv, int hd, int tq, int pos0, int window, boolean strided, double magnitude) {}

    static List<Case> promptCases() {
        List<Case> cases = new ArrayList<>();
        // group sizes 1, 2, 4 and 6 (four heads together, then two one at a time)
        int[][] heads = {{2, 2}, {4, 2}, {4, 1}, {6, 1}};
        int i = 0;
        for (int[] h : heads) {
            for (int hd : new int[] {1, 16, 17, 64, 96}) {
                for (int tq : new int[] {1, 7, 70, 133}) {
                    int window = (i % 3 == 0) ? 0 : (i % 3 == 1 ? 5 : 50);
                    cases.add(new Case(h[0], h[1], hd, tq, 0, window, i % 2 == 0, 1));
                    i++;
                }
            }
        }
        return cases;
    }

    static List<Case> appendCases() {
        List<Case> cases = new ArrayList<>();
        int[][] heads = {{3, 3}, {4, 2}, {8, 2}};
        int[] dims = {1, 16, 64, 96};
        int[] starts = {1, 63, 64, 200};
        int i = 0;
        for (int tq = 1; tq <= 9; tq++) {
            for (int s = 0; s < starts.length; s++) {
                int[] h = heads[i % 3];
                int window = (i % 4 == 1) ? 17 : (i % 4 == 3 ? 64 : 0);
                cases.add(new Case(h[0], h[1], dims[(i / 3) % 4], tq, starts[s], window, i % 2 == 1, 1));
                i++;
            }
        }
        return cases;
    }

    /** The output rows go through arrays for heap segments and through vector segment stores otherwise: same bits. */
    @Test
    void anOffHeapOutputGetsTheSameBits() {
        for (Case c : List.of(new Case(4, 2, 17, 7, 0, 0, true, 1), new Case(8, 2, 64, 5, 63, 0, false, 1))) {
            AttentionConfig cfg = new AttentionConfig(c.nHeads, c.nKv, c.hd, (float) (1 / Math.sqrt(c.hd)), c.window);
            AttentionFixture f = new AttentionFixture(cfg, c.tq, c.pos0, c.strided, c.magnitude, new Random(c.hd));
            int ldo = f.qw + 1;
            MemorySegment heap = AttentionFixture.pack(new double[c.tq * f.qw], c.tq, f.qw, ldo, 2);
            MemorySegment offHeap = java.lang.foreign.Arena.ofAuto().allocate(heap.byteSize(), 64).copyFrom(heap);
            for (MemorySegment out : List.of(heap, offHeap)) {
                FlashAttention.forward(POOL, cfg, c.tq, c.pos0, f.qSeg, f.qOff, f.ldq, f.kvSeg, f.kOff, f.ldkv, f.kvSeg, f.vOff, f.ldkv,
                        out, 2, ldo, MemorySegment.ofArray(new float[c.nHeads * c.tq]), 0);
            }
            assertEquals(-1, heap.mismatch(offHeap), c + ": heap and off-heap outputs differ");
        }
    }

    static void checkForward(Case c, WorkerPool pool, long seed) {
        AttentionConfig cfg = new AttentionConfig(c.nHeads, c.nKv, c.hd, (float) (1 / Math.sqrt(c.hd)), c.window);
        AttentionFixture f = new AttentionFixture(cfg, c.tq, c.pos0, c.strided, c.magnitude, new Random(seed));
        double[] outRef = new double[c.tq * f.qw], lseRef = new double[c.nHeads * c.tq];
        AttentionReference.forward(cfg, c.tq, c.pos0, f.q, f.k, f.v, outRef, lseRef);

        int ldo = c.strided ? f.qw + 1 : f.qw;
        long outOff = c.strided ? 3 : 0;
        MemorySegment out = AttentionFixture.pack(new double[c.tq * f.qw], c.tq, f.qw, ldo, outOff);
        float[] lse = new float[c.nHeads * c.tq + 2];
        FlashAttention.forward(pool, cfg, c.tq, c.pos0, f.qSeg, f.qOff, f.ldq, f.kvSeg, f.kOff, f.ldkv, f.kvSeg, f.vOff, f.ldkv,
                out, outOff, ldo, MemorySegment.ofArray(lse), 1);
        double[] got = AttentionFixture.unpack(out, c.tq, f.qw, ldo, outOff);
        double atol = 2e-6 * c.magnitude * c.magnitude;
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - outRef[i]) <= atol)) {
                fail(f + ": out[" + i / f.qw + "][" + i % f.qw + "] expected " + outRef[i] + " but was " + got[i]);
            }
        }
        for (int i = 0; i < lseRef.length; i++) {
            assertEquals(lseRef[i], lse[i + 1], atol * (1 + Math.abs(lseRef[i])), f + ": lse[" + i + "]");
        }
        assertEquals(0f, lse[0], "lse before its offset untouched");
        assertEquals(0f, lse[lse.length - 1], "lse after its end untouched");
        // Padding between output rows is left alone.
        if (c.strided && c.tq > 1) assertEquals(777f, Float.intBitsToFloat(Float.floatToIntBits(out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, outOff + f.qw))));
    }

    @Test
    void promptMatchesNaiveReference() {
        long seed = 100;
        for (Case c : promptCases()) checkForward(c, seed % 2 == 0 ? null : POOL, seed++);
    }

    @Test
    void cacheAppendMatchesNaiveReference() {
        long seed = 200;
        for (Case c : appendCases()) checkForward(c, seed % 2 == 0 ? null : POOL, seed++);
    }

    /**
     * Decode and short appends: one KV head per task over a short cache, all heads per task (with the keys
     * split across tasks) over a long one; both against the reference.
     */
    @Test
    void appendsOverShortAndLongCachesMatchReference() {
        long seed = 250;
        for (int[] h : new int[][] {{8, 4}, {8, 2}, {6, 3}}) {
            for (int tq : new int[] {1, 2, 6}) {
                for (int pos0 : new int[] {40, 1030}) {
                    Case c = new Case(h[0], h[1], 64, tq, pos0, 0, tq == 2, 1);
                    AttentionConfig cfg = AttentionConfig.of(c.nHeads, c.nKv, c.hd);
                    assertEquals(pos0 < 1000 ? 1 : c.nKv, FlashAttention.headsPerTask(cfg, tq, pos0), "the path this case is for: " + c);
                    checkForward(c, POOL, seed++);
                }
            }
        }
    }

    /** Long decode on one KV head with a pool: the key range is split across tasks and merged. */
    @Test
    void splitKeyDecodeMatchesReference() {
        Case[] cases = {
            new Case(4, 1, 64, 1, 1600, 0, true, 1),
            new Case(4, 1, 40, 2, 1500, 1100, false, 1),
            new Case(2, 2, 16, 1, 1300, 0, false, 1),
        };
        long seed = 300;
        for (Case c : cases) {
            AttentionConfig cfg = new AttentionConfig(c.nHeads, c.nKv, c.hd, 1f, c.window);
            assertTrue(FlashAttention.keySplits(POOL, cfg, c.tq, c.pos0) > 1, "this case must exercise the split path: " + c);
            checkForward(c, POOL, seed++);
        }
        // Without a pool: one task per KV head, no split.
        assertEquals(1, FlashAttention.keySplits(null, AttentionConfig.of(4, 1, 64), 1, 1600));
        checkForward(cases[0], null, 300);
    }

    /** Peaky softmax (scores in the hundreds): the online max must rescale old blocks correctly. */
    @Test
    void largeScoresStayAccurate() {
        checkForward(new Case(2, 1, 64, 150, 0, 0, false, 6), null, 400);
        checkForward(new Case(2, 1, 64, 3, 400, 0, false, 6), POOL, 401);
    }

    @Test
    void rejectsMismatchedShapes() {
        AttentionConfig cfg = AttentionConfig.of(4, 2, 8);
        MemorySegment q = MemorySegment.ofArray(new float[2 * 32]);
        MemorySegment kv = MemorySegment.ofArray(new float[4 * 16]);
        MemorySegment out = MemorySegment.ofArray(new float[2 * 32]);
        // k must hold pos0 + tq = 5 rows, has 4
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> FlashAttention.forward(null, cfg, 2, 3, q, 0, 32, kv, 0, 16, kv, 0, 16, out, 0, 32, null, 0));
        assertTrue(e.getMessage().contains("attention") && e.getMessage().contains("k"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttentionConfig.of(6, 4, 8));
        assertThrows(IllegalArgumentException.class, () -> new AttentionConfig(4, 2, 8, 0.3f, -1));
        assertThrows(IllegalArgumentException.class,
                () -> FlashAttention.forward(null, cfg, -1, 0, q, 0, 32, kv, 0, 16, kv, 0, 16, out, 0, 32, null, 0));
        MemorySegment smallLse = MemorySegment.ofArray(new float[7]);
        assertThrows(IndexOutOfBoundsException.class,
                () -> FlashAttention.forward(null, cfg, 2, 0, q, 0, 32, kv, 0, 16, kv, 0, 16, out, 0, 32, smallLse, 0));
    }
}
