package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorOpsTest {
    private static final double EPS = Math.ulp(1f);

    /** Element-wise ops do the same float operation as the reference, so results must match exactly. */
    @Test
    void elementwiseMatchReferenceExactly() {
        Random rnd = new Random(1);
        for (Layout l : Layout.awkward()) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                MemorySegment a = l.random(rnd, -3, 3), b = l.random(rnd, -3, 3);
                MemorySegment out = l.sentinel(), ref = l.sentinel();
                VectorOps.add(pool, l.rows(), l.n(), a, l.off(), l.ld(), b, l.off(), l.ld(), out, l.off(), l.ld());
                VectorOpsReference.add(l.rows(), l.n(), a, l.off(), l.ld(), b, l.off(), l.ld(), ref, l.off(), l.ld());
                Approx.bitwise("add", l, ref, out);
                Approx.gapsUntouched("add", l, out);

                VectorOps.mul(pool, l.rows(), l.n(), a, l.off(), l.ld(), b, l.off(), l.ld(), out, l.off(), l.ld());
                VectorOpsReference.mul(l.rows(), l.n(), a, l.off(), l.ld(), b, l.off(), l.ld(), ref, l.off(), l.ld());
                Approx.bitwise("mul", l, ref, out);

                VectorOps.scale(pool, l.rows(), l.n(), -0.37f, a, l.off(), l.ld(), out, l.off(), l.ld());
                VectorOpsReference.scale(l.rows(), l.n(), -0.37f, a, l.off(), l.ld(), ref, l.off(), l.ld());
                Approx.bitwise("scale", l, ref, out);

                MemorySegment y1 = Layout.copy(b), y2 = Layout.copy(b);
                VectorOps.axpy(pool, l.rows(), l.n(), 1.7f, a, l.off(), l.ld(), y1, l.off(), l.ld());
                VectorOpsReference.axpy(l.rows(), l.n(), 1.7f, a, l.off(), l.ld(), y2, l.off(), l.ld());
                Approx.bitwise("axpy", l, y2, y1);

                MemorySegment c = l.sentinel();
                VectorOps.copy(pool, l.rows(), l.n(), a, l.off(), l.ld(), c, l.off(), l.ld());
                Approx.bitwise("copy", l, a, c);
                Approx.gapsUntouched("copy", l, c);
            }
        }
    }

    @Test
    void addInPlaceAndBetweenDifferentLayouts() {
        Random rnd = new Random(2);
        Layout in = new Layout(5, 33, 40, 3), outL = new Layout(5, 33, 33, 0);
        MemorySegment a = in.random(rnd, -1, 1), b = outL.random(rnd, -1, 1);
        MemorySegment expect = outL.sentinel();
        VectorOpsReference.add(5, 33, a, 3, 40, b, 0, 33, expect, 0, 33);
        VectorOps.add(null, 5, 33, a, 3, 40, b, 0, 33, b, 0, 33);
        Approx.bitwise("add in place", outL, expect, b);
    }

    /**
     * Reductions against double sums, with error at most 64 ulp of sum(|x|) (the blocked scheme's bound
     * is about BLOCK/(4L) + log2(4L) ulp; 64 covers L = 4 too).
     */
    @Test
    void reductionsMatchDoubleSums() {
        Random rnd = new Random(3);
        for (Layout l : Layout.awkward()) {
            if (l.rows() != 1) continue;
            MemorySegment x = l.random(rnd, -2, 2), y = l.random(rnd, -2, 2);
            int n = l.n();
            long o = l.off();
            double absSum = 0, absDot = 0;
            for (int i = 0; i < n; i++) {
                absSum += Math.abs(Simd.get(x, o + i));
                absDot += Math.abs(Simd.get(x, o + i) * Simd.get(y, o + i));
            }
            assertEquals(VectorOpsReference.sum(n, x, o), VectorOps.sum(n, x, o), 64 * EPS * absSum, "sum " + l);
            assertEquals(VectorOpsReference.dot(n, x, o, y, o), VectorOps.dot(n, x, o, y, o), 64 * EPS * absDot, "dot " + l);
            double ss = VectorOpsReference.sumSquares(n, x, o);
            assertEquals(ss, VectorOps.sumSquares(n, x, o), 64 * EPS * ss, "sumSquares " + l);
            assertEquals(VectorOpsReference.max(n, x, o), VectorOps.max(n, x, o), 0f, "max " + l);
        }
    }

    /** 2^22 values near 1: a plain float running sum is off by percent; the blocked sum must stay within 1e-6. */
    @Test
    void longRowSumIsAccurateWhereNaiveFloatIsNot() {
        int n = 1 << 22;
        float[] a = new float[n];
        Random rnd = new Random(4);
        for (int i = 0; i < n; i++) a[i] = 1f + 0.1f * rnd.nextFloat();
        MemorySegment x = MemorySegment.ofArray(a);
        double exact = VectorOpsReference.sum(n, x, 0);
        float naive = 0;
        for (float v : a) naive += v;
        assertTrue(Math.abs(naive - exact) / exact > 1e-3, "the data must defeat a plain float sum, or this test proves nothing");
        assertEquals(exact, VectorOps.sum(n, x, 0), 1e-6 * exact);
        assertEquals(VectorOpsReference.sumSquares(n, x, 0), VectorOps.sumSquares(n, x, 0), 1e-6 * exact * 1.2);
    }

    @Test
    void maxEdgeCases() {
        MemorySegment x = MemorySegment.ofArray(new float[] {1, Float.NaN, 3, 2, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9});
        assertEquals(Float.NEGATIVE_INFINITY, VectorOps.max(0, x, 0));
        assertTrue(Float.isNaN(VectorOps.max(19, x, 0)));
        assertEquals(9f, VectorOps.max(17, x, 2));
        assertEquals(0.0, VectorOps.sum(0, x, 0));
    }

    @Test
    void badArgumentsNameTheOpAndArgument() {
        MemorySegment s = MemorySegment.ofArray(new float[10]);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> VectorOps.add(null, 2, 5, s, 0, 5, s, 1, 5, s, 0, 5));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("b"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> VectorOps.scale(null, 2, 5, 1f, s, 0, 4, s, 0, 5));
        assertTrue(e2.getMessage().contains("stride"), e2.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> VectorOps.sum(3, s, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> VectorOps.dot(11, s, 0, s, 0));
    }
}
