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
 * <p>Every tile walks a panel's steps as two halves in lockstep: step j, then step s/2 + j, for j below
 * s/2, where s is k made even with a zero step ({@link Panels#steps}). Two halves are two weight streams
 * per panel for the hardware prefetchers; with one stream, four rows from DRAM took the time of one row's reads plus that of the
 * multiply-adds, as if the two never overlapped (kernels/README.md, "Where the time of several rows goes").
 * Every output is the same chain in every tile, {@code acc = w[p] * x[p] + acc} from zero for p = 0, s/2,
 * 1, s/2 + 1, ..., so results are bit for bit the same whichever tile computes them, that is, whatever the
 * number of rows in the call: a draft token verified with others gets the logits a decode step would give.
 * {@link PanelGemm} lays out the activations in that order.
 *
 * <p>A tile taking one k step per pass carries the offsets of the two halves along and takes them in turn
 * ({@code s = at; at = then; then = s + STEP_BYTES}), counting the activation index. Computed from a step
 * counter ({@code (t >> 1) * STEP + (t & 1) * half}), the offset cost about 20 scalar instructions per step
 * next to the 21 vector ones of {@link #rows6}, more than the core dispatches while its FMAs run at full
 * rate: with its weights in cache the 6-row tile ran at 78-80 GFLOP/s on one core, 92-99 walked this way.
 * The tiles taking two steps per pass keep {@code j * STEP_BYTES}: an offset linear in the loop counter
 * lets C2 check the segment's bounds once before the loop rather than on every load, and written as a
 * running offset C2 rebuilt it from the activation index with more instructions than before.
 *
 * <p>Tiles keep 4 to 12 accumulators. With AVX2's 16 registers, 8 is the most a pass of two k steps holds
 * without spilling, and 12 ({@link #rows6}) only a pass of one step. Results go to
 * {@code out[r * ldo + c]}, a float[] of the calling task, so that these loops only ever store to heap arrays.
 *
 * <p>Each tile but {@link #rows1x2} is longer than the 325 bytes of bytecode up to which C2 inlines a hot
 * callee ({@code FreqInlineSize}), so each is compiled on its own, and the dispatch methods inline at most
 * {@code rows1x2}. With every tile inlined into {@link PanelGemm}'s dispatch, the tiles together ran past the
 * roughly 18000 nodes at which C2 stops inlining, and a Vector API operation left out of line works on
 * boxed vectors, many times slower (9-row verification 3x slower in 2 runs of 3, depending on which method
 * C2 compiled first). {@code Bf16PanelKernelSizeTest} checks the sizes.
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

    /**
     * One row, four panels: eight weight streams, eight accumulators. One k step per pass, the two halves
     * taking turns, rather than both halves per pass as in {@link #rows3} and {@link #rows4}: C2 issues a
     * pass's loads first, and eight of them next to eight accumulators spilled and ran five times slower.
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

    /**
     * Two rows, two panels (four weight streams); the rows' activations interleaved from {@code xo}. One k
     * step per pass, as in {@link #rows1x4}: with both halves per pass C2 loaded four weight vectors first,
     * kept eight decoded vectors live and spilled two accumulators every step (2 rows on weights in cache
     * took 47-52 us against 27-37).
     */
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
     * Five rows, one panel (two weight streams), {@code 2 * 5} accumulators; the rows' activations interleaved from
     * {@code xo}. One k step per pass, the halves taking turns, as in {@link #rows1x4}: with more chains than the
     * FMA latency needs, one pass reads the weights for five rows at about the cost of four, where 4 + 1 read them
     * for the fifth row again at the FMA latency of one row (kernels/README.md, "Five and six rows in one pass").
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
     * Six rows, one panel, {@code 2 * 6} accumulators: as {@link #rows5}. Twelve accumulators, a weight vector,
     * its two halves and a broadcast fill AVX2's sixteen registers; C2 keeps them without spilling only because a
     * pass takes one k step.
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
