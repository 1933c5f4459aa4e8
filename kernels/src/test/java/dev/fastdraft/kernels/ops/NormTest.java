package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RMSNorm and LayerNorm against double references with x in [-2, 2], w in [0.5, 1.5], dy in [-1, 1]:
 * outputs and dx are O(1), so a few float roundings give errors of a few 1e-7; tolerances
 * 2e-6 absolute + 2e-6 relative (forward) and 4e-6 + 1e-5 relative (backward, which cancels).
 * dw sums one O(1) term per row in float, so its tolerance grows with the rows: 2e-6 * rows.
 */
class NormTest {
    private static final float EPS = 1e-5f;

    @Test
    void rmsNormForwardAndBackward() {
        Random rnd = new Random(21);
        for (Layout l : Layout.awkward()) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                int rows = l.rows(), n = l.n();
                MemorySegment x = l.random(rnd, -2, 2), dy = l.random(rnd, -1, 1);
                MemorySegment w = new Layout(1, n, n, 3).random(rnd, 0.5f, 1.5f);
                MemorySegment y = l.sentinel(), ref = l.sentinel();
                MemorySegment rstd = MemorySegment.ofArray(new float[rows + 2]), rstdRef = MemorySegment.ofArray(new float[rows + 2]);
                RmsNorm.forward(pool, rows, n, x, l.off(), l.ld(), w, 3, EPS, y, l.off(), l.ld(), rstd, 2);
                NormReference.rmsForward(rows, n, x, l.off(), l.ld(), w, 3, EPS, ref, l.off(), l.ld(), rstdRef, 2);
                Approx.rows("rmsNorm", l, ref, y, 2e-6, 2e-6);
                Approx.gapsUntouched("rmsNorm", l, y);
                for (int r = 0; r < rows; r++) assertEquals(Simd.get(rstdRef, 2 + r), Simd.get(rstd, 2 + r), 2e-6 * Simd.get(rstdRef, 2 + r));

                MemorySegment dx = l.sentinel(), dxRef = l.sentinel();
                float[] dwInit = new float[n + 3];
                for (int i = 0; i < dwInit.length; i++) dwInit[i] = 0.25f;
                MemorySegment dw = MemorySegment.ofArray(dwInit.clone()), dwRef = MemorySegment.ofArray(dwInit.clone());
                RmsNorm.backward(pool, rows, n, x, l.off(), l.ld(), w, 3, rstd, 2, dy, l.off(), l.ld(), dx, l.off(), l.ld(), dw, 1);
                NormReference.rmsBackward(rows, n, x, l.off(), l.ld(), w, 3, EPS, dy, l.off(), l.ld(), dxRef, l.off(), l.ld(), dwRef, 1);
                Approx.rows("rmsNormBackward dx", l, dxRef, dx, 4e-6, 1e-5);
                Approx.gapsUntouched("rmsNormBackward dx", l, dx);
                Layout wl = new Layout(1, n, n, 1);
                Approx.rows("rmsNormBackward dw (accumulated onto 0.25)", wl, dwRef, dw, 2e-6 * rows, 1e-6);
                assertEquals(0.25f, Simd.get(dw, 0), "dw before its offset untouched");
            }
        }
    }

    @Test
    void rmsNormBackwardInPlaceOnDy() {
        Random rnd = new Random(22);
        Layout l = new Layout(5, 37, 40, 0);
        MemorySegment x = l.random(rnd, -2, 2), dy = l.random(rnd, -1, 1), w = new Layout(1, 37, 37, 0).random(rnd, 0.5f, 1.5f);
        MemorySegment rstd = MemorySegment.ofArray(new float[5]);
        RmsNorm.forward(null, 5, 37, x, 0, 40, w, 0, EPS, l.sentinel(), 0, 40, rstd, 0);
        MemorySegment dxRef = l.sentinel(), dwRef = MemorySegment.ofArray(new float[37]), dw = MemorySegment.ofArray(new float[37]);
        NormReference.rmsBackward(5, 37, x, 0, 40, w, 0, EPS, dy, 0, 40, dxRef, 0, 40, dwRef, 0);
        RmsNorm.backward(null, 5, 37, x, 0, 40, w, 0, rstd, 0, dy, 0, 40, dy, 0, 40, dw, 0);
        Approx.rows("rmsNormBackward in place", l, dxRef, dy, 4e-6, 1e-5);
        Approx.rows("rmsNormBackward in place dw", new Layout(1, 37, 37, 0), dwRef, dw, 1e-5, 1e-6);
    }

    /** A large common offset (1000 + noise) must not destroy the variance: two-pass statistics. */
    @Test
    void layerNormForwardAndBackward() {
        Random rnd = new Random(23);
        for (Layout l : Layout.awkward()) {
            for (boolean affine : new boolean[] {true, false}) {
                WorkerPool pool = l.rows() > 3 ? Layout.POOL : null;
                int rows = l.rows(), n = l.n();
                MemorySegment x = l.random(rnd, -2, 2), dy = l.random(rnd, -1, 1);
                MemorySegment w = affine ? new Layout(1, n, n, 0).random(rnd, 0.5f, 1.5f) : null;
                MemorySegment b = affine ? new Layout(1, n, n, 0).random(rnd, -1, 1) : null;
                MemorySegment y = l.sentinel(), ref = l.sentinel();
                MemorySegment mean = MemorySegment.ofArray(new float[rows]), rstd = MemorySegment.ofArray(new float[rows]);
                LayerNorm.forward(pool, rows, n, x, l.off(), l.ld(), w, 0, b, 0, EPS, y, l.off(), l.ld(), mean, 0, rstd, 0);
                NormReference.layerForward(rows, n, x, l.off(), l.ld(), w, 0, b, 0, EPS, ref, l.off(), l.ld());
                Approx.rows("layerNorm", l, ref, y, 2e-6, 2e-6);
                Approx.gapsUntouched("layerNorm", l, y);

                MemorySegment dx = l.sentinel(), dxRef = l.sentinel();
                MemorySegment dw = affine ? MemorySegment.ofArray(new float[n]) : null, dwRef = MemorySegment.ofArray(new float[n]);
                MemorySegment db = affine ? MemorySegment.ofArray(new float[n]) : null, dbRef = MemorySegment.ofArray(new float[n]);
                LayerNorm.backward(pool, rows, n, x, l.off(), l.ld(), w, 0, mean, 0, rstd, 0, dy, l.off(), l.ld(), dx, l.off(), l.ld(), dw, 0, db, 0);
                NormReference.layerBackward(rows, n, x, l.off(), l.ld(), w, 0, EPS, dy, l.off(), l.ld(), dxRef, l.off(), l.ld(), dwRef, 0, dbRef, 0);
                Approx.rows("layerNormBackward dx", l, dxRef, dx, 4e-6, 1e-5);
                if (affine) {
                    Layout wl = new Layout(1, n, n, 0);
                    Approx.rows("layerNormBackward dw", wl, dwRef, dw, 2e-6 * rows, 1e-6);
                    Approx.rows("layerNormBackward db", wl, dbRef, db, 2e-6 * rows, 1e-6);
                }
            }
        }
    }

    @Test
    void layerNormKeepsPrecisionUnderLargeOffset() {
        Random rnd = new Random(24);
        int n = 4097;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = 1000f + rnd.nextFloat();
        MemorySegment x = MemorySegment.ofArray(a), y = MemorySegment.ofArray(new float[n]), ref = MemorySegment.ofArray(new float[n]);
        LayerNorm.forward(null, 1, n, x, 0, n, null, 0, null, 0, EPS, y, 0, n, null, 0, null, 0);
        NormReference.layerForward(1, n, x, 0, n, null, 0, null, 0, EPS, ref, 0, n);
        // x - mean is exact-ish (values within 1 of each other near 1000: 6e-5 absolute each), rstd ~ 3.5.
        Approx.rows("layerNorm offset", new Layout(1, n, n, 0), ref, y, 1e-3, 1e-4);
    }
}
