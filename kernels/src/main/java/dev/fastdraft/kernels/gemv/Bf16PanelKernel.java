package dev.fastdraft.kernels.gemv;

import static dev.fastdraft.kernels.gemv.Panels.F;
import static dev.fastdraft.kernels.gemv.Panels.I;
import static dev.fastdraft.kernels.gemv.Panels.STEP_BYTES;
import static jdk.incubator.vector.VectorOperators.LSHL;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * The register tiles of {@link PanelGemm}: per k step, one int-vector load per panel gives two float vectors
 * of outputs, and each activation row is one broadcast multiplied into both. Accumulators stay per output,
 * so nothing is summed across lanes at the end.
 *
 * <p>Every output is the same chain in every tile: {@code acc = w[p] * x[p] + acc} for p = 0 .. k-1 from
 * zero. Results are therefore bit for bit the same whichever tile computes them, that is, whatever the
 * number of rows in the call: a draft token verified with others gets the logits a decode step would give.
 *
 * <p>Tiles keep 8 to 12 accumulators (two FMA pipes times four cycles of latency want 8 independent
 * chains) and no more: with AVX2's 16 registers, more spill. Results go to {@code out[r * ldo + c]}, a
 * float[] of the calling task, so that these loops only ever store to heap arrays.
 *
 * <p>C2 inlines a hot callee of up to 325 bytes of bytecode ({@code FreqInlineSize}) and stops inlining
 * once a compiled method reaches about 18000 nodes; a Vector API operation left out of line then works on
 * boxed vectors, many times slower. With every tile inlined into {@link PanelGemm}'s dispatch, the later
 * ones ran out of that budget (9-row verification 3x slower in 2 runs of 3, depending on which method C2
 * compiled first). So each dispatch method may inline one tile only ({@link #rows1x4} in {@code oneRow},
 * {@link #rows2x2} in {@code manyRows}) and the others are kept above 325 bytes: {@link #rows4} by writing
 * its stores out, {@link #rows3} and {@link #rows1x2} by taking two k steps per pass (then one for an odd
 * k; the same chain in the same order). {@code Bf16PanelKernelSizeTest} checks the sizes.
 */
final class Bf16PanelKernel {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HALF = F.length();

    private Bf16PanelKernel() {}

    private static FloatVector low(IntVector v) {
        return v.lanewise(LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector high(IntVector v) {
        return v.and(0xFFFF_0000).reinterpretAsFloats();
    }

    private static IntVector load(MemorySegment w, long off) {
        return IntVector.fromMemorySegment(I, w, off, LE);
    }

    private static void put(float[] out, int at, FloatVector lo, FloatVector hi) {
        lo.intoArray(out, at);
        hi.intoArray(out, at + HALF);
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
        put(out, c0, a0, b0);
        put(out, c1, a1, b1);
        put(out, c2, a2, b2);
        put(out, c3, a3, b3);
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
        put(out, c0, a0, b0);
        put(out, c1, a1, b1);
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
        put(out, c0, a0, b0);
        put(out, c0 + ldo, a1, b1);
        put(out, c1, c, d);
        put(out, c1 + ldo, e1, f1);
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
        put(out, c, a0, b0);
        put(out, c + ldo, a1, b1);
        put(out, c + 2 * ldo, a2, b2);
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
        // written out rather than through put(): see the class comment
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
