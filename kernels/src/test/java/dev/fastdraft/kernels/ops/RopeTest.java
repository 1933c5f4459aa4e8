package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RopeTest {
    private record Case(int rows, int nHeads, int headDim, int rotaryDim, int ldExtra, long off) {}

    private static final Case[] CASES = {
        new Case(1, 1, 2, 2, 0, 0),          // smallest head
        new Case(3, 2, 6, 6, 3, 5),          // half = 3: only a masked tail
        new Case(2, 3, 64, 64, 0, 0),        // Llama-like head
        new Case(5, 2, 96, 96, 7, 1),        // Phi-3 head: 48 pairs, 3 vectors of 16
        new Case(4, 2, 80, 40, 2, 3),        // partial rotary: the last 40 dims pass through
        new Case(3, 1, 34, 34, 0, 0),        // half = 17
        new Case(40, 8, 128, 128, 0, 0),     // parallel-sized
    };

    /** Same float operations in the same order as HF's q * cos + rotate_half(q) * sin: exact. */
    @Test
    void forwardAndBackwardBitwiseEqualReference() {
        Random rnd = new Random(31);
        for (Case c : CASES) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                RopeTable table = RopeTable.fromInvFreq(RopeTable.defaultInvFreq(c.rotaryDim, 10000.0), 300, c.rotaryDim == 40 ? 1.19f : 1f);
                int width = c.nHeads * c.headDim;
                Layout l = new Layout(c.rows, width, width + c.ldExtra, c.off);
                int[] positions = new int[c.rows + 2];
                for (int i = 0; i < positions.length; i++) positions[i] = rnd.nextInt(300);
                MemorySegment x = l.random(rnd, -2, 2);
                int[] pos = java.util.Arrays.copyOfRange(positions, 2, positions.length);
                for (boolean inverse : new boolean[] {false, true}) {
                    MemorySegment got = Layout.copy(x), want = Layout.copy(x);
                    if (inverse) Rope.backward(pool, c.rows, c.nHeads, c.headDim, c.rotaryDim, got, c.off, l.ld(), positions, 2, table);
                    else Rope.forward(pool, c.rows, c.nHeads, c.headDim, c.rotaryDim, got, c.off, l.ld(), positions, 2, table);
                    RopeReference.apply(c.rows, c.nHeads, c.headDim, c.rotaryDim, want, c.off, l.ld(), pos, table, inverse);
                    Approx.bitwise("rope " + c + (inverse ? " backward" : ""), l, want, got);
                    for (long k = 0; k < l.size(); k++) {
                        if (!l.inRow(k)) assertEquals(Simd.get(x, k), Simd.get(got, k), "outside rows at " + k);
                    }
                }
                // The start-position overload is the positions overload with start, start+1, ...
                int start = 300 - c.rows;
                int[] consecutive = new int[c.rows];
                for (int t = 0; t < c.rows; t++) consecutive[t] = start + t;
                MemorySegment a = Layout.copy(x), b = Layout.copy(x);
                Rope.forward(pool, c.rows, c.nHeads, c.headDim, c.rotaryDim, a, c.off, l.ld(), start, table);
                Rope.forward(pool, c.rows, c.nHeads, c.headDim, c.rotaryDim, b, c.off, l.ld(), consecutive, 0, table);
                Approx.bitwise("rope start position " + c, l, b, a);
            }
        }
    }

    /** Backward is the adjoint of forward: <R x, y> = <x, R^T y>, also with a longrope-style scale. */
    @Test
    void backwardIsAdjointOfForward() {
        Random rnd = new Random(32);
        int rows = 6, nHeads = 2, headDim = 48, rot = 32, width = nHeads * headDim;
        float[] inv = RopeTable.defaultInvFreq(rot, 500000.0);
        RopeTable table = RopeTable.fromInvFreq(inv, 64, 1.3f);
        Layout l = new Layout(rows, width, width, 0);
        MemorySegment x = l.random(rnd, -1, 1), y = l.random(rnd, -1, 1);
        MemorySegment rx = Layout.copy(x), ry = Layout.copy(y);
        Rope.forward(null, rows, nHeads, headDim, rot, rx, 0, width, 10, table);
        Rope.backward(null, rows, nHeads, headDim, rot, ry, 0, width, 10, table);
        double lhs = VectorOpsReference.dot(rows * width, rx, 0, y, 0), rhs = VectorOpsReference.dot(rows * width, x, 0, ry, 0);
        assertEquals(lhs, rhs, 1e-5 * (Math.abs(lhs) + 1));
        // With scale 1 the rotation is orthogonal: backward undoes forward.
        RopeTable plain = RopeTable.fromInvFreq(inv, 64, 1f);
        MemorySegment z = Layout.copy(x);
        Rope.forward(null, rows, nHeads, headDim, rot, z, 0, width, 3, plain);
        Rope.backward(null, rows, nHeads, headDim, rot, z, 0, width, 3, plain);
        Approx.rows("rope round trip", l, x, z, 1e-6, 1e-6);
    }

    @Test
    void tablesFollowHuggingFaceArithmetic() {
        float[] inv = RopeTable.defaultInvFreq(8, 10000.0);
        assertEquals(1f, inv[0]);
        assertEquals(0.1f, inv[1], 1e-8f);   // 10000^(-2/8)
        assertEquals(0.01f, inv[2], 1e-9f);  // 10000^(-4/8)
        RopeTable t = RopeTable.fromInvFreq(inv, 70000, 2f);
        int p = 65535;
        float angle = inv[1] * (float) p;    // float32 product, as HF's float matmul
        assertEquals((float) Math.cos(angle) * 2f, Simd.get(t.cos(), (long) p * 4 + 1));
        assertEquals((float) Math.sin(angle) * 2f, Simd.get(t.sin(), (long) p * 4 + 1));
        assertTrue(Math.abs(Math.cos((double) inv[1] * p) * 2 - Simd.get(t.cos(), (long) p * 4 + 1)) > 1e-7,
                "at large positions the float32 angle differs from the double one; tables must use the float32 one");
    }

    @Test
    void rejectsBadShapesAndPositions() {
        RopeTable table = RopeTable.fromInvFreq(RopeTable.defaultInvFreq(8, 10000), 16, 1f);
        MemorySegment x = MemorySegment.ofArray(new float[64]);
        assertThrows(IndexOutOfBoundsException.class, () -> Rope.forward(null, 2, 2, 8, 8, x, 0, 16, 15, table));
        assertThrows(IndexOutOfBoundsException.class, () -> Rope.forward(null, 1, 2, 8, 8, x, 0, 16, new int[] {-1}, 0, table));
        assertThrows(IllegalArgumentException.class, () -> Rope.forward(null, 1, 2, 8, 6, x, 0, 16, 0, table));
        assertThrows(IllegalArgumentException.class, () -> Rope.forward(null, 1, 2, 8, 10, x, 0, 16, 0, table));
        assertThrows(IndexOutOfBoundsException.class, () -> Rope.forward(null, 5, 2, 8, 8, x, 0, 16, 0, table));
    }
}
