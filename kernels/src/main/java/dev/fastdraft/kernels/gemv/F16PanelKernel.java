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
 * written out rather than through a helper (in both classes): with the heavier decode, the one-row tiles
 * reached C2's node limit before it inlined the helper, and the vectors handed to it were boxed (one row at
 * 6 GB/s instead of 19.5, 4 + 1 rows 2.3 times slower than 4).
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

    /**
     * One row, four panels: eight weight streams, eight accumulators. One k step per pass, the two halves
     * taking turns (see {@link Bf16PanelKernel#rows1x4}).
     */
    static void rows1x4(MemorySegment w, long o0, long o1, long o2, long o3, int steps, float[] x, int xo,
                        float[] out, int c0, int c1, int c2, int c3) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0, e;
        IntVector v;
        long s, at = 0, then = (steps / 2) * STEP_BYTES;
        for (int xi = xo, end = xo + steps; xi < end; xi++) {
            s = at; at = then; then = s + STEP_BYTES;
            e = FloatVector.broadcast(F, x[xi]);
            v = load(w, o0 + s);
            a0 = low(v).fma(e, a0);
            b0 = high(v).fma(e, b0);
            v = load(w, o1 + s);
            a1 = low(v).fma(e, a1);
            b1 = high(v).fma(e, b1);
            v = load(w, o2 + s);
            a2 = low(v).fma(e, a2);
            b2 = high(v).fma(e, b2);
            v = load(w, o3 + s);
            a3 = low(v).fma(e, a3);
            b3 = high(v).fma(e, b3);
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

    /** One row, two panels: four weight streams. */
    static void rows1x2(MemorySegment w, long o0, long o1, int steps, float[] x, int xo, float[] out, int c0, int c1) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, e;
        IntVector v0, v1;
        long half = (steps / 2) * STEP_BYTES;
        int xi = xo;
        for (int j = 0; j < steps / 2; j++, xi += 2) {
            long s = j * STEP_BYTES;
            e = FloatVector.broadcast(F, x[xi]);
            v0 = load(w, o0 + s);
            a0 = low(v0).fma(e, a0);
            b0 = high(v0).fma(e, b0);
            v1 = load(w, o1 + s);
            a1 = low(v1).fma(e, a1);
            b1 = high(v1).fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 1]);
            v0 = load(w, o0 + half + s);
            a0 = low(v0).fma(e, a0);
            b0 = high(v0).fma(e, b0);
            v1 = load(w, o1 + half + s);
            a1 = low(v1).fma(e, a1);
            b1 = high(v1).fma(e, b1);
        }
        a0.intoArray(out, c0);
        b0.intoArray(out, c0 + HALF);
        a1.intoArray(out, c1);
        b1.intoArray(out, c1 + HALF);
    }

    /** Two rows, two panels (four weight streams); the rows' activations interleaved from {@code xo}. */
    static void rows2x2(MemorySegment w, long o0, long o1, int steps, float[] x, int xo, float[] out, int p0, int p1, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, c0 = a0, d0 = a0, c1 = a0, d1 = a0, r0, r1, l, h;
        IntVector v;
        long s, at = 0, then = (steps / 2) * STEP_BYTES;
        for (int xi = xo, end = xo + 2 * steps; xi < end; xi += 2) {
            s = at; at = then; then = s + STEP_BYTES;
            r0 = FloatVector.broadcast(F, x[xi]);
            r1 = FloatVector.broadcast(F, x[xi + 1]);
            v = load(w, o0 + s);
            l = low(v);
            h = high(v);
            a0 = l.fma(r0, a0);
            b0 = h.fma(r0, b0);
            a1 = l.fma(r1, a1);
            b1 = h.fma(r1, b1);
            v = load(w, o1 + s);
            l = low(v);
            h = high(v);
            c0 = l.fma(r0, c0);
            d0 = h.fma(r0, d0);
            c1 = l.fma(r1, c1);
            d1 = h.fma(r1, d1);
        }
        a0.intoArray(out, p0);
        b0.intoArray(out, p0 + HALF);
        a1.intoArray(out, p0 + ldo);
        b1.intoArray(out, p0 + ldo + HALF);
        c0.intoArray(out, p1);
        d0.intoArray(out, p1 + HALF);
        c1.intoArray(out, p1 + ldo);
        d1.intoArray(out, p1 + ldo + HALF);
    }

    /** Three rows, one panel (two weight streams); the rows' activations interleaved from {@code xo}. */
    static void rows3(MemorySegment w, long o, int steps, float[] x, int xo, float[] out, int c, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, l, h, e;
        IntVector v;
        long half = (steps / 2) * STEP_BYTES;
        int xi = xo;
        for (int j = 0; j < steps / 2; j++, xi += 6) {
            long s = j * STEP_BYTES;
            v = load(w, o + s);
            l = low(v);
            h = high(v);
            e = FloatVector.broadcast(F, x[xi]);
            a0 = l.fma(e, a0);
            b0 = h.fma(e, b0);
            e = FloatVector.broadcast(F, x[xi + 1]);
            a1 = l.fma(e, a1);
            b1 = h.fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 2]);
            a2 = l.fma(e, a2);
            b2 = h.fma(e, b2);
            v = load(w, o + half + s);
            l = low(v);
            h = high(v);
            e = FloatVector.broadcast(F, x[xi + 3]);
            a0 = l.fma(e, a0);
            b0 = h.fma(e, b0);
            e = FloatVector.broadcast(F, x[xi + 4]);
            a1 = l.fma(e, a1);
            b1 = h.fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 5]);
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

    /** Four rows, one panel (two weight streams); the rows' activations interleaved from {@code xo}. */
    static void rows4(MemorySegment w, long o, int steps, float[] x, int xo, float[] out, int c, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0, l, h, e;
        IntVector v;
        long half = (steps / 2) * STEP_BYTES;
        int xi = xo;
        for (int j = 0; j < steps / 2; j++, xi += 8) {
            long s = j * STEP_BYTES;
            v = load(w, o + s);
            l = low(v);
            h = high(v);
            e = FloatVector.broadcast(F, x[xi]);
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
            v = load(w, o + half + s);
            l = low(v);
            h = high(v);
            e = FloatVector.broadcast(F, x[xi + 4]);
            a0 = l.fma(e, a0);
            b0 = h.fma(e, b0);
            e = FloatVector.broadcast(F, x[xi + 5]);
            a1 = l.fma(e, a1);
            b1 = h.fma(e, b1);
            e = FloatVector.broadcast(F, x[xi + 6]);
            a2 = l.fma(e, a2);
            b2 = h.fma(e, b2);
            e = FloatVector.broadcast(F, x[xi + 7]);
            a3 = l.fma(e, a3);
            b3 = h.fma(e, b3);
        }
        a0.intoArray(out, c);
        b0.intoArray(out, c + HALF);
        a1.intoArray(out, c + ldo);
        b1.intoArray(out, c + ldo + HALF);
        a2.intoArray(out, c + 2 * ldo);
        b2.intoArray(out, c + 2 * ldo + HALF);
        a3.intoArray(out, c + 3 * ldo);
        b3.intoArray(out, c + 3 * ldo + HALF);
    }

    /**
     * Five rows, one panel, one k step per pass (see {@link Bf16PanelKernel#rows5}).
     */
    static void rows5(MemorySegment w, long o, int steps, float[] x, int xo, float[] out, int c, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0, a4 = a0, b4 = a0, l, h, e;
        IntVector v;
        long s, at = 0, then = (steps / 2) * STEP_BYTES;
        for (int xi = xo, end = xo + 5 * steps; xi < end; xi += 5) {
            s = at; at = then; then = s + STEP_BYTES;
            v = load(w, o + s);
            l = low(v);
            h = high(v);
            e = FloatVector.broadcast(F, x[xi]);
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
            e = FloatVector.broadcast(F, x[xi + 4]);
            a4 = l.fma(e, a4);
            b4 = h.fma(e, b4);
        }
        a0.intoArray(out, c);
        b0.intoArray(out, c + HALF);
        a1.intoArray(out, c + ldo);
        b1.intoArray(out, c + ldo + HALF);
        a2.intoArray(out, c + 2 * ldo);
        b2.intoArray(out, c + 2 * ldo + HALF);
        a3.intoArray(out, c + 3 * ldo);
        b3.intoArray(out, c + 3 * ldo + HALF);
        a4.intoArray(out, c + 4 * ldo);
        b4.intoArray(out, c + 4 * ldo + HALF);
    }

    /**
     * Six rows, one panel, one k step per pass (see {@link Bf16PanelKernel#rows6}).
     */
    static void rows6(MemorySegment w, long o, int steps, float[] x, int xo, float[] out, int c, int ldo) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0, a4 = a0, b4 = a0, a5 = a0, b5 = a0, l, h, e;
        IntVector v;
        long s, at = 0, then = (steps / 2) * STEP_BYTES;
        for (int xi = xo, end = xo + 6 * steps; xi < end; xi += 6) {
            s = at; at = then; then = s + STEP_BYTES;
            v = load(w, o + s);
            l = low(v);
            h = high(v);
            e = FloatVector.broadcast(F, x[xi]);
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
            e = FloatVector.broadcast(F, x[xi + 4]);
            a4 = l.fma(e, a4);
            b4 = h.fma(e, b4);
            e = FloatVector.broadcast(F, x[xi + 5]);
            a5 = l.fma(e, a5);
            b5 = h.fma(e, b5);
        }
        a0.intoArray(out, c);
        b0.intoArray(out, c + HALF);
        a1.intoArray(out, c + ldo);
        b1.intoArray(out, c + ldo + HALF);
        a2.intoArray(out, c + 2 * ldo);
        b2.intoArray(out, c + 2 * ldo + HALF);
        a3.intoArray(out, c + 3 * ldo);
        b3.intoArray(out, c + 3 * ldo + HALF);
        a4.intoArray(out, c + 4 * ldo);
        b4.intoArray(out, c + 4 * ldo + HALF);
        a5.intoArray(out, c + 5 * ldo);
        b5.intoArray(out, c + 5 * ldo + HALF);
    }
}
