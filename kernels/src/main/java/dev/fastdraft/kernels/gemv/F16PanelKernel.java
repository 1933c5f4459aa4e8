package dev.fastdraft.kernels.gemv;

import static dev.fastdraft.kernels.gemv.Panels.F;
import static dev.fastdraft.kernels.gemv.Panels.I;
import static dev.fastdraft.kernels.gemv.Panels.STEP_BYTES;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link Bf16PanelKernel}'s tiles for IEEE binary16 panels, the loops the same but the decode: as in
 * {@link F16Kernel}, sign and the 15 exponent-and-fraction bits go to the float's bits 31 and 27..13, which
 * makes a float equal to the f16 value times 2^-112 (subnormals included, exactly), at two or three integer
 * operations per half instead of one. {@link PanelGemm} packs the activations times 2^112 (less for rows
 * beyond 2^15, scaled back afterwards), so the products are the exact products of weight and activation and
 * a row's results do not depend on the rows beside it. Infinite and NaN weights have no such form; {@link
 * Panels#pack} refuses matrices that hold one.
 *
 * <p>The same C2 limits apply as for the BF16 tiles (see there), closer: {@link PanelGemm} gives these tiles
 * their own dispatch methods, and {@code Bf16PanelKernelSizeTest} checks their sizes too. The stores are
 * written out rather than through a helper: with the heavier decode, the one-row tiles reached C2's node
 * limit before it inlined the helper, and the vectors handed to it were boxed (one row at 6 GB/s instead
 * of 19.5, 4 + 1 rows 2.3 times slower than 4).
 */
final class F16PanelKernel {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HALF = F.length();

    private F16PanelKernel() {}

    /** Sign to bit 31, exponent and fraction to bits 27..13: the f16 value times 2^-112, as a float. */
    private static final int KEEP = 0x8FFF_E000;

    private static FloatVector low(IntVector v) {
        return v.lanewise(LSHL, 16).lanewise(ASHR, 3).and(KEEP).reinterpretAsFloats();
    }

    private static FloatVector high(IntVector v) {
        return v.lanewise(ASHR, 3).and(KEEP).reinterpretAsFloats();
    }

    private static IntVector load(MemorySegment w, long off) {
        return IntVector.fromMemorySegment(I, w, off, LE);
    }

    /** One row, four panels (four weight streams). */
    static void rows1x4(MemorySegment w, long o0, long o1, long o2, long o3, int k, float[] x, int xo,
                        float[] out, int c0, int c1, int c2, int c3) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int p = 0; p < k; p++) {
            FloatVector e = FloatVector.broadcast(F, x[xo + p]);
            long s = p * STEP_BYTES;
            IntVector v0 = load(w, o0 + s);
            a0 = low(v0).fma(e, a0);
            b0 = high(v0).fma(e, b0);
            IntVector v1 = load(w, o1 + s);
            a1 = low(v1).fma(e, a1);
            b1 = high(v1).fma(e, b1);
            IntVector v2 = load(w, o2 + s);
            a2 = low(v2).fma(e, a2);
            b2 = high(v2).fma(e, b2);
            IntVector v3 = load(w, o3 + s);
            a3 = low(v3).fma(e, a3);
            b3 = high(v3).fma(e, b3);
        }
        a0.intoArray(out, c0);
        b0.intoArray(out, c0 + HALF);
        a1.intoArray(out, c1);
        b1.intoArray(out, c1 + HALF);
        a2.intoArray(out, c2);
        b2.intoArray(out, c2 + HALF);
        a3.intoArray(out, c3);
        b3.intoArray(out, c3 + HALF);
    }

    /** One row, two panels. */
    static void rows1x2(MemorySegment w, long o0, long o1, int k, float[] x, int xo, float[] out, int c0, int c1) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0;
        int p = 0;
        for (; p + 2 <= k; p += 2) {
            FloatVector e = FloatVector.broadcast(F, x[xo + p]);
            long s = p * STEP_BYTES;
            IntVector v0 = load(w, o0 + s);
            a0 = low(v0).fma(e, a0);
            b0 = high(v0).fma(e, b0);
            IntVector v1 = load(w, o1 + s);
            a1 = low(v1).fma(e, a1);
            b1 = high(v1).fma(e, b1);
            FloatVector eN = FloatVector.broadcast(F, x[xo + p + 1]);
            long sN = (p + 1) * STEP_BYTES;
            IntVector v0N = load(w, o0 + sN);
            a0 = low(v0N).fma(eN, a0);
            b0 = high(v0N).fma(eN, b0);
            IntVector v1N = load(w, o1 + sN);
            a1 = low(v1N).fma(eN, a1);
            b1 = high(v1N).fma(eN, b1);
        }
        for (; p < k; p++) {
            FloatVector e = FloatVector.broadcast(F, x[xo + p]);
            long s = p * STEP_BYTES;
            IntVector v0 = load(w, o0 + s);
            a0 = low(v0).fma(e, a0);
            b0 = high(v0).fma(e, b0);
            IntVector v1 = load(w, o1 + s);
            a1 = low(v1).fma(e, a1);
            b1 = high(v1).fma(e, b1);
        }
        a0.intoArray(out, c0);
        b0.intoArray(out, c0 + HALF);
        a1.intoArray(out, c1);
        b1.intoArray(out, c1 + HALF);
    }

    /** Two rows, two panels; the rows' activations interleaved from {@code xo}. */
    static void rows2x2(MemorySegment w, long o0, long o1, int k, float[] x, int xo,
                        float[] out, int c0, int c1, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, c = a0, d = a0, e1 = a0, f1 = a0;
        for (int p = 0, xi = xo; p < k; p++, xi += 2) {
            FloatVector r0 = FloatVector.broadcast(F, x[xi]), r1 = FloatVector.broadcast(F, x[xi + 1]);
            long s = p * STEP_BYTES;
            IntVector v0 = load(w, o0 + s);
            FloatVector l0 = low(v0), h0 = high(v0);
            a0 = l0.fma(r0, a0);
            b0 = h0.fma(r0, b0);
            a1 = l0.fma(r1, a1);
            b1 = h0.fma(r1, b1);
            IntVector v1 = load(w, o1 + s);
            FloatVector l1 = low(v1), h1 = high(v1);
            c = l1.fma(r0, c);
            d = h1.fma(r0, d);
            e1 = l1.fma(r1, e1);
            f1 = h1.fma(r1, f1);
        }
        a0.intoArray(out, c0);
        b0.intoArray(out, c0 + HALF);
        a1.intoArray(out, c0 + ldo);
        b1.intoArray(out, c0 + ldo + HALF);
        c.intoArray(out, c1);
        d.intoArray(out, c1 + HALF);
        e1.intoArray(out, c1 + ldo);
        f1.intoArray(out, c1 + ldo + HALF);
    }

    /** Three rows, one panel; the rows' activations interleaved from {@code xo}. */
    static void rows3(MemorySegment w, long o, int k, float[] x, int xo, float[] out, int c, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0;
        int p = 0, xi = xo;
        for (; p + 2 <= k; p += 2, xi += 6) {
            IntVector v = load(w, o + p * STEP_BYTES);
            FloatVector l = low(v), h = high(v);
            FloatVector e = FloatVector.broadcast(F, x[xi]);
            a0 = l.fma(e, a0);
            b0 = h.fma(e, b0);
            e = FloatVector.broadcast(F, x[xi + 1]);
            a1 = l.fma(e, a1);
            b1 = h.fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 2]);
            a2 = l.fma(e, a2);
            b2 = h.fma(e, b2);
            IntVector vN = load(w, o + (p + 1) * STEP_BYTES);
            FloatVector lN = low(vN), hN = high(vN);
            FloatVector eN = FloatVector.broadcast(F, x[xi + 3]);
            a0 = lN.fma(eN, a0);
            b0 = hN.fma(eN, b0);
            eN = FloatVector.broadcast(F, x[xi + 4]);
            a1 = lN.fma(eN, a1);
            b1 = hN.fma(eN, b1);
            eN = FloatVector.broadcast(F, x[xi + 5]);
            a2 = lN.fma(eN, a2);
            b2 = hN.fma(eN, b2);
        }
        for (; p < k; p++, xi += 3) {
            IntVector v = load(w, o + p * STEP_BYTES);
            FloatVector l = low(v), h = high(v);
            FloatVector e = FloatVector.broadcast(F, x[xi]);
            a0 = l.fma(e, a0);
            b0 = h.fma(e, b0);
            e = FloatVector.broadcast(F, x[xi + 1]);
            a1 = l.fma(e, a1);
            b1 = h.fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 2]);
            a2 = l.fma(e, a2);
            b2 = h.fma(e, b2);
        }
        a0.intoArray(out, c);
        b0.intoArray(out, c + HALF);
        a1.intoArray(out, c + ldo);
        b1.intoArray(out, c + ldo + HALF);
        a2.intoArray(out, c + 2 * ldo);
        b2.intoArray(out, c + 2 * ldo + HALF);
    }

    /** Four rows, one panel; the rows' activations interleaved from {@code xo}. */
    static void rows4(MemorySegment w, long o, int k, float[] x, int xo, float[] out, int c, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int p = 0, xi = xo; p < k; p++, xi += 4) {
            IntVector v = load(w, o + p * STEP_BYTES);
            FloatVector l = low(v), h = high(v);
            FloatVector e = FloatVector.broadcast(F, x[xi]);
            a0 = l.fma(e, a0);
            b0 = h.fma(e, b0);
            e = FloatVector.broadcast(F, x[xi + 1]);
            a1 = l.fma(e, a1);
            b1 = h.fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 2]);
            a2 = l.fma(e, a2);
            b2 = h.fma(e, b2);
            e = FloatVector.broadcast(F, x[xi + 3]);
            a3 = l.fma(e, a3);
            b3 = h.fma(e, b3);
        }
        // stores written out, as everywhere in this class
        a0.intoArray(out, c);
        b0.intoArray(out, c + HALF);
        a1.intoArray(out, c + ldo);
        b1.intoArray(out, c + ldo + HALF);
        a2.intoArray(out, c + 2 * ldo);
        b2.intoArray(out, c + 2 * ldo + HALF);
        a3.intoArray(out, c + 3 * ldo);
        b3.intoArray(out, c + 3 * ldo + HALF);
    }
}
