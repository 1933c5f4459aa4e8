package dev.fastdraft.kernels.gemv;

import dev.fastdraft.kernels.Lanes;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.MAX;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * IEEE binary16 weights, read as for bfloat16 (one int vector = 2 * L halves) but decoded without any
 * rebiasing: sign and the 15 exponent-and-fraction bits go to the float's bits 31 and 27..13, which makes
 * a float equal to the f16 value times 2^-112 (binary16 subnormals included, exactly). The activations are
 * packed times 2^112 instead, so each weight costs two shifts and a mask (one shift fewer for odd halves).
 *
 * <p>Activations beyond 2^15 would overflow after that scaling, so for such rows the packing scales by a
 * smaller power of two and the results are scaled back ({@link Activations#resultScale()}). Infinite and NaN
 * weights (exponent 31) have no such representation: the loops keep a running maximum of the weights'
 * magnitudes (two vector ops per 2 * L weights) and the rare group that holds one is recomputed exactly.
 */
final class F16Kernel extends SkinnyKernel {
    private static final ValueLayout.OfShort W_LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int KEEP = 0x8FFF_E000;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(I.vectorBitSize()));
    /** Largest activation magnitude that can be packed with the full 2^112 factor and stay finite. */
    private static final float FULL_SCALE_LIMIT = 0x1p15f;

    private static final IntVector KEEP_BITS = IntVector.broadcast(I, KEEP);
    private static final ShortVector MAGNITUDE = ShortVector.broadcast(S, (short) 0x7FFF);
    /** Exponent 31 (inf or NaN) is the only range of magnitudes at or above this. */
    private static final short INF_OR_NAN = 0x7C00;

    private static FloatVector even(IntVector raw) {
        return raw.lanewise(LSHL, 16).lanewise(ASHR, 3).and(KEEP_BITS).reinterpretAsFloats();
    }

    private static FloatVector odd(IntVector raw) {
        return raw.lanewise(ASHR, 3).and(KEEP_BITS).reinterpretAsFloats();
    }

    /** Running maximum of the halves' magnitudes (sign cleared, so a signed 16-bit max orders them). */
    private static ShortVector largest(ShortVector largest, IntVector raw) {
        return largest.max(raw.reinterpretAsShorts().and(MAGNITUDE));
    }

    private static IntVector load(MemorySegment w, long off) {
        return IntVector.fromMemorySegment(I, w, off, LE);
    }

    /** The weight in the packed domain (value * 2^-112); infinities and NaNs kept as they are, so the tail needs no fallback. */
    private static float decodeScaled(short h) {
        int sign = (h & 0x8000) << 16;
        int magnitude = (h & 0x7FFF) << 13;
        if ((h & 0x7C00) == 0x7C00) return Float.intBitsToFloat(sign | 0x7F80_0000 | magnitude);
        return Float.intBitsToFloat(sign | magnitude);
    }

    @Override
    float tail(float[] x, int xBase, MemorySegment w, long rowOff, int from, int k) {
        float s = 0;
        for (int i = from; i < k; i++) s += x[xBase + i] * decodeScaled(w.get(W_LAYOUT, rowOff + 2L * i));
        return s;
    }

    @Override
    Activations pack(int rows, int k, MemorySegment x, long xOff, int ldx) {
        float[] data = packPlain(rows, k, x, xOff, ldx);
        float max = largestFinite(data);
        int shift = max < FULL_SCALE_LIMIT ? 0 : Math.getExponent(max) - 14;
        deinterleave(data, rows, k, Math.scalb(1f, 112 - shift));
        return new Activations(data, rows, k, Math.scalb(1f, shift), x, xOff, ldx);
    }

    @Override
    float weight(MemorySegment w, long rowOff, int i) {
        return Float.float16ToFloat(w.get(W_LAYOUT, rowOff + 2L * i));
    }

    /**
     * Two passes of two outputs: four outputs' worth of decoding in one loop would exceed the budget C2 inlines
     * per method (NodeCountInliningCutoff), and a vector op left out of line allocates on every iteration.
     */
    @Override
    void rows1x4(Pass p, int row, int j, int step) {
        rows1x2(p, row, j, step);
        rows1x2(p, row, j + 2 * step, step);
    }

    /** Row {@code row}, outputs j and j + step. */
    private void rows1x2(Pass p, int row, int j, int step) {
        float[] x = p.a.data();
        int k = p.a.k();
        int xr = row * k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j), o1 = p.rowOffset(j + step);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        int kv = k - k % BLOCK;
        ShortVector largest = ShortVector.zero(S);
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector xe = FloatVector.fromArray(F, x, xr + i);
            FloatVector xo = FloatVector.fromArray(F, x, xr + i + L);
            long bo = 2L * i;
            IntVector r0 = load(w, o0 + bo);
            largest = largest(largest, r0);
            a0 = even(r0).fma(xe, a0);
            b0 = odd(r0).fma(xo, b0);
            IntVector r1 = load(w, o1 + bo);
            largest = largest(largest, r1);
            a1 = even(r1).fma(xe, a1);
            b1 = odd(r1).fma(xo, b1);
        }
        if (largest.reduceLanes(MAX) >= INF_OR_NAN) {
            exact(p, row, 1, j, 1);
            exact(p, row, 1, j + step, 1);
            return;
        }
        float s0 = Lanes.sum(a0.add(b0));
        float s1 = Lanes.sum(a1.add(b1));
        p.put(row, j, s0);
        p.put(row, j + step, s1);
    }

    @Override
    void rows1x1(Pass p, int row, int j) {
        float[] x = p.a.data();
        int k = p.a.k();
        int xr = row * k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j);
        FloatVector a0 = FloatVector.zero(F), b0 = a0;
        int kv = k - k % BLOCK;
        ShortVector largest = ShortVector.zero(S);
        for (int i = 0; i < kv; i += BLOCK) {
            IntVector r0 = load(w, o0 + 2L * i);
            largest = largest(largest, r0);
            a0 = even(r0).fma(FloatVector.fromArray(F, x, xr + i), a0);
            b0 = odd(r0).fma(FloatVector.fromArray(F, x, xr + i + L), b0);
        }
        if (largest.reduceLanes(MAX) >= INF_OR_NAN) {
            exact(p, row, 1, j, 1);
            return;
        }
        float s0 = Lanes.sum(a0.add(b0));
        p.put(row, j, s0);
    }

    @Override
    void rows2x1(Pass p, int row, int j) {
        float[] x = p.a.data();
        int k = p.a.k();
        int x0 = row * k, x1 = x0 + k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        int kv = k - k % BLOCK;
        ShortVector largest = ShortVector.zero(S);
        for (int i = 0; i < kv; i += BLOCK) {
            IntVector r0 = load(w, o0 + 2L * i);
            largest = largest(largest, r0);
            FloatVector wv = even(r0);
            a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            wv = odd(r0);
            b0 = wv.fma(FloatVector.fromArray(F, x, x0 + i + L), b0);
            b1 = wv.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
        }
        if (largest.reduceLanes(MAX) >= INF_OR_NAN) {
            exact(p, row, 2, j, 1);
            return;
        }
        float s0 = Lanes.sum(a0.add(b0));
        float s1 = Lanes.sum(a1.add(b1));
        p.put(row, j, s0);
        p.put(row + 1, j, s1);
    }

    @Override
    void rows3x1(Pass p, int row, int j) {
        float[] x = p.a.data();
        int k = p.a.k();
        int x0 = row * k, x1 = x0 + k, x2 = x1 + k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0;
        int kv = k - k % BLOCK;
        ShortVector largest = ShortVector.zero(S);
        for (int i = 0; i < kv; i += BLOCK) {
            IntVector r0 = load(w, o0 + 2L * i);
            largest = largest(largest, r0);
            FloatVector wv = even(r0);
            a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            wv = odd(r0);
            b0 = wv.fma(FloatVector.fromArray(F, x, x0 + i + L), b0);
            b1 = wv.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
            b2 = wv.fma(FloatVector.fromArray(F, x, x2 + i + L), b2);
        }
        if (largest.reduceLanes(MAX) >= INF_OR_NAN) {
            exact(p, row, 3, j, 1);
            return;
        }
        float s0 = Lanes.sum(a0.add(b0));
        float s1 = Lanes.sum(a1.add(b1));
        float s2 = Lanes.sum(a2.add(b2));
        p.put(row, j, s0);
        p.put(row + 1, j, s1);
        p.put(row + 2, j, s2);
    }

    @Override
    void rows4x1(Pass p, int row, int j) {
        float[] x = p.a.data();
        int k = p.a.k();
        int x0 = row * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int kv = k - k % BLOCK;
        ShortVector largest = ShortVector.zero(S);
        for (int i = 0; i < kv; i += BLOCK) {
            IntVector r0 = load(w, o0 + 2L * i);
            largest = largest(largest, r0);
            FloatVector wv = even(r0);
            a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            wv = odd(r0);
            b0 = wv.fma(FloatVector.fromArray(F, x, x0 + i + L), b0);
            b1 = wv.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
            b2 = wv.fma(FloatVector.fromArray(F, x, x2 + i + L), b2);
            b3 = wv.fma(FloatVector.fromArray(F, x, x3 + i + L), b3);
        }
        if (largest.reduceLanes(MAX) >= INF_OR_NAN) {
            exact(p, row, 4, j, 1);
            return;
        }
        float s0 = Lanes.sum(a0.add(b0));
        float s1 = Lanes.sum(a1.add(b1));
        float s2 = Lanes.sum(a2.add(b2));
        float s3 = Lanes.sum(a3.add(b3));
        p.put(row, j, s0);
        p.put(row + 1, j, s1);
        p.put(row + 2, j, s2);
        p.put(row + 3, j, s3);
    }
}
