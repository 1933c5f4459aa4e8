package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Against the double reference. Inputs in [-8, 8], so x - max spans up to 16 and its float rounding
 * alone moves exp by up to 16 * 2^-24 ~ 1e-6 relative; exp adds 2 ulp, the sum and scaling a few
 * more: softmax gets rtol 3e-6. log-softmax values reach ~25, so 1e-6 absolute plus 1e-6 relative.
 */
class SoftmaxTest {
    @Test
    void forwardMatchesReference() {
        Random rnd = new Random(11);
        for (Layout l : Layout.awkward()) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                MemorySegment x = l.random(rnd, -8, 8);
                MemorySegment y = l.sentinel(), ref = l.sentinel();
                Softmax.forward(pool, l.rows(), l.n(), x, l.off(), l.ld(), y, l.off(), l.ld());
                SoftmaxReference.forward(l.rows(), l.n(), x, l.off(), l.ld(), ref, l.off(), l.ld());
                Approx.rows("softmax", l, ref, y, 1e-30, 3e-6);
                Approx.gapsUntouched("softmax", l, y);

                MemorySegment ly = l.sentinel(), lref = l.sentinel();
                Softmax.logForward(pool, l.rows(), l.n(), x, l.off(), l.ld(), ly, l.off(), l.ld());
                SoftmaxReference.logForward(l.rows(), l.n(), x, l.off(), l.ld(), lref, l.off(), l.ld());
                Approx.rows("logSoftmax", l, lref, ly, 1e-6, 1e-6);
                Approx.gapsUntouched("logSoftmax", l, ly);
            }
        }
    }

    /**
     * Backward from the reference's y and dy in [-1, 1]: dx = y (dy - dot) loses about 2 ulp of
     * |dy| + |dot| <= 2 to the subtraction, scaled by y <= 1; so 1e-6 * y + 1e-7 absolute.
     */
    @Test
    void backwardMatchesReference() {
        Random rnd = new Random(12);
        for (Layout l : Layout.awkward()) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                MemorySegment x = l.random(rnd, -4, 4), dy = l.random(rnd, -1, 1);
                MemorySegment y = l.sentinel(), ly = l.sentinel();
                SoftmaxReference.forward(l.rows(), l.n(), x, l.off(), l.ld(), y, l.off(), l.ld());
                SoftmaxReference.logForward(l.rows(), l.n(), x, l.off(), l.ld(), ly, l.off(), l.ld());

                MemorySegment dx = l.sentinel(), ref = l.sentinel();
                Softmax.backward(pool, l.rows(), l.n(), y, l.off(), l.ld(), dy, l.off(), l.ld(), dx, l.off(), l.ld());
                SoftmaxReference.backward(l.rows(), l.n(), y, l.off(), l.ld(), dy, l.off(), l.ld(), ref, l.off(), l.ld());
                Approx.rows("softmaxBackward", l, ref, dx, 1e-7, 1e-5);
                Approx.gapsUntouched("softmaxBackward", l, dx);

                // log-softmax backward, in place on a copy of dy: dx = dy - p * sum(dy); |sum| <= n.
                MemorySegment dx2 = Layout.copy(dy), ref2 = l.sentinel();
                Softmax.logBackward(pool, l.rows(), l.n(), ly, l.off(), l.ld(), dx2, l.off(), l.ld(), dx2, l.off(), l.ld());
                SoftmaxReference.logBackward(l.rows(), l.n(), ly, l.off(), l.ld(), dy, l.off(), l.ld(), ref2, l.off(), l.ld());
                Approx.rows("logSoftmaxBackward", l, ref2, dx2, 1e-6, 1e-5);
            }
        }
    }

    @Test
    void infinitiesAndLargeLogits() {
        float ni = Float.NEGATIVE_INFINITY;
        // all -inf: zeros / -inf; mixed -inf: exact zeros there; huge equal logits: uniform.
        float[] a = {ni, ni, ni, 1e30f, 1e30f, ni, 5f, ni, 7f};
        MemorySegment x = MemorySegment.ofArray(a);
        MemorySegment y = MemorySegment.ofArray(new float[9]);
        Softmax.forward(null, 3, 3, x, 0, 3, y, 0, 3);
        float[] out = y.toArray(Simd.F32);
        assertEquals(0f, out[0]);
        assertEquals(0f, out[2]);
        assertEquals(0.5f, out[3]);
        assertEquals(0.5f, out[4]);
        assertEquals(0f, out[5]);
        assertEquals(0f, out[7]);
        assertEquals(1 / (1 + Math.exp(2)), out[6], 1e-7);

        Softmax.logForward(null, 3, 3, x, 0, 3, y, 0, 3);
        out = y.toArray(Simd.F32);
        assertEquals(ni, out[0]);
        assertEquals(ni, out[1]);
        assertEquals((float) -Math.log(2), out[3], 1e-7);
        assertEquals(ni, out[5]);
        assertEquals(-Math.log1p(Math.exp(-2)), out[8], 1e-7);

        // A fully masked row has no mass, so its gradient is zero (softmax) or dy itself (log-softmax).
        MemorySegment dy = MemorySegment.ofArray(new float[] {1, 2, 3});
        MemorySegment dx = MemorySegment.ofArray(new float[3]);
        Softmax.backward(null, 1, 3, MemorySegment.ofArray(new float[3]), 0, 3, dy, 0, 3, dx, 0, 3);
        assertEquals(0f, dx.toArray(Simd.F32)[2]);
        Softmax.logBackward(null, 1, 3, MemorySegment.ofArray(new float[] {ni, ni, ni}), 0, 3, dy, 0, 3, dx, 0, 3);
        assertEquals(3f, dx.toArray(Simd.F32)[2]);

        MemorySegment nan = MemorySegment.ofArray(new float[] {1, Float.NaN, 2});
        Softmax.forward(null, 1, 3, nan, 0, 3, y, 0, 3);
        assertTrue(Float.isNaN(y.toArray(Simd.F32)[0]));
        MemorySegment inf = MemorySegment.ofArray(new float[] {1, Float.POSITIVE_INFINITY, 2});
        Softmax.forward(null, 1, 3, inf, 0, 3, y, 0, 3);
        assertTrue(Float.isNaN(y.toArray(Simd.F32)[1]));
    }

    @Test
    void inPlace() {
        Random rnd = new Random(13);
        Layout l = new Layout(4, 50, 53, 1);
        MemorySegment x = l.random(rnd, -5, 5), ref = l.sentinel();
        SoftmaxReference.forward(l.rows(), l.n(), x, l.off(), l.ld(), ref, l.off(), l.ld());
        Softmax.forward(null, l.rows(), l.n(), x, l.off(), l.ld(), x, l.off(), l.ld());
        Approx.rows("softmax in place", l, ref, x, 1e-30, 3e-6);
    }
}
