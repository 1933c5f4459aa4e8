package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.ActivationsReference.Kind;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Against double references on x in [-8, 8]. Forward tolerances are relative: the exp argument
 * (up to ~50 for the tanh form, after about four roundings; x^2/2 ~ 32 for erf, after two) carries
 * its float rounding into the result as a relative error of about (roundings * |argument| * 6e-8):
 * rtol 1.5e-5 for tanh-GELU, 8e-6 for erf-GELU, 2e-6 for SiLU, and a tiny atol for underflow.
 * Derivatives cross zero (silu' near x = -1.28), so they get 1e-6 absolute too.
 */
class ActivationsTest {
    @FunctionalInterface
    interface Fwd { void run(WorkerPool p, int rows, int n, MemorySegment x, long xo, int ldx, MemorySegment y, long yo, int ldy); }

    @FunctionalInterface
    interface Bwd { void run(WorkerPool p, int rows, int n, MemorySegment x, long xo, int ldx, MemorySegment dy, long go, int ldg, MemorySegment dx, long dxo, int lddx); }

    private static void check(Kind kind, Fwd fwd, Bwd bwd, double rtol) {
        Random rnd = new Random(41 + kind.ordinal());
        for (Layout l : Layout.awkward()) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                MemorySegment x = l.random(rnd, -8, 8), dy = l.random(rnd, -1, 1);
                MemorySegment y = l.sentinel(), ref = l.sentinel();
                fwd.run(pool, l.rows(), l.n(), x, l.off(), l.ld(), y, l.off(), l.ld());
                ActivationsReference.forward(kind, l.rows(), l.n(), x, l.off(), l.ld(), ref, l.off(), l.ld());
                Approx.rows(kind + " forward", l, ref, y, 1e-30, rtol);
                Approx.gapsUntouched(kind + " forward", l, y);
                MemorySegment dx = l.sentinel(), dref = l.sentinel();
                bwd.run(pool, l.rows(), l.n(), x, l.off(), l.ld(), dy, l.off(), l.ld(), dx, l.off(), l.ld());
                ActivationsReference.backward(kind, l.rows(), l.n(), x, l.off(), l.ld(), dy, l.off(), l.ld(), dref, l.off(), l.ld());
                Approx.rows(kind + " backward", l, dref, dx, 1e-6, 4 * rtol);
                Approx.gapsUntouched(kind + " backward", l, dx);
            }
        }
    }

    @Test
    void silu() {
        check(Kind.SILU, Activations::silu, Activations::siluBackward, 2e-6);
    }

    @Test
    void geluTanh() {
        check(Kind.GELU_TANH, Activations::geluTanh, Activations::geluTanhBackward, 1.5e-5);
    }

    @Test
    void geluErf() {
        check(Kind.GELU_ERF, Activations::gelu, Activations::geluBackward, 8e-6);
    }

    @Test
    void tanhIdentityOfTheReference() {
        for (double x = -4; x <= 4; x += 0.01) {
            assertEquals(ActivationsReference.geluTanhAsWritten(x), ActivationsReference.value(Kind.GELU_TANH, x), 1e-15);
        }
    }

    /** The fast forms differ from PyTorch's formulas, so the ends are checked against what PyTorch returns. */
    @Test
    void specialValuesAsPyTorch() {
        float[] xs = {Float.NEGATIVE_INFINITY, -100f, 0f, 100f, Float.POSITIVE_INFINITY, Float.NaN};
        MemorySegment x = MemorySegment.ofArray(xs), y = MemorySegment.ofArray(new float[xs.length]);
        Activations.silu(null, 1, xs.length, x, 0, xs.length, y, 0, xs.length);
        float[] s = y.toArray(Simd.F32);
        assertTrue(Float.isNaN(s[0]), "silu(-inf) = -inf / inf = NaN in PyTorch");
        assertEquals(0f, s[1], 1e-40f);
        assertEquals(0f, s[2]);
        assertEquals(100f, s[3]);
        assertEquals(Float.POSITIVE_INFINITY, s[4]);
        assertTrue(Float.isNaN(s[5]));
        Activations.gelu(null, 1, xs.length, x, 0, xs.length, y, 0, xs.length);
        s = y.toArray(Simd.F32);
        assertTrue(Float.isNaN(s[0]), "gelu(-inf) = -inf * 0 = NaN in PyTorch");
        assertEquals(0f, s[1], 1e-40f);
        assertEquals(100f, s[3]);
        assertEquals(Float.POSITIVE_INFINITY, s[4]);
        Activations.geluTanh(null, 1, xs.length, x, 0, xs.length, y, 0, xs.length);
        s = y.toArray(Simd.F32);
        assertEquals(100f, s[3]);
        assertEquals(0f, s[1], 1e-40f);
    }

    @Test
    void swigluForwardAndBackward() {
        Random rnd = new Random(45);
        for (Layout l : Layout.awkward()) {
            WorkerPool pool = l.rows() > 3 ? Layout.POOL : null;
            MemorySegment g = l.random(rnd, -8, 8), u = l.random(rnd, -2, 2), d = l.random(rnd, -1, 1);
            MemorySegment out = l.sentinel(), ref = l.sentinel();
            Activations.swiglu(pool, l.rows(), l.n(), g, l.off(), l.ld(), u, l.off(), l.ld(), out, l.off(), l.ld());
            ActivationsReference.swiglu(l.rows(), l.n(), g, l.off(), l.ld(), u, l.off(), l.ld(), ref, l.off(), l.ld());
            Approx.rows("swiglu", l, ref, out, 1e-30, 3e-6);
            Approx.gapsUntouched("swiglu", l, out);

            MemorySegment dgRef = l.sentinel(), duRef = l.sentinel();
            ActivationsReference.swigluBackward(l.rows(), l.n(), g, l.off(), l.ld(), u, l.off(), l.ld(), d, l.off(), l.ld(),
                    dgRef, l.off(), l.ld(), duRef, l.off(), l.ld());
            // In place: gradients overwrite gate and up.
            MemorySegment g2 = Layout.copy(g), u2 = Layout.copy(u);
            Activations.swigluBackward(pool, l.rows(), l.n(), g2, l.off(), l.ld(), u2, l.off(), l.ld(), d, l.off(), l.ld(),
                    g2, l.off(), l.ld(), u2, l.off(), l.ld());
            Approx.rows("swiglu dGate", l, dgRef, g2, 2e-6, 1e-5);
            Approx.rows("swiglu dUp", l, duRef, u2, 1e-30, 3e-6);
        }
    }
}
