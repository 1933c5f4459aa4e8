package dev.fastdraft.kernels.gemv;

import dev.fastdraft.kernels.Lanes;
import static jdk.incubator.vector.VectorOperators.ADD;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * float32 weights: no decoding, the two vectors of a block are simply the first and second L elements, so
 * the activations keep their order.
 */
final class F32Kernel extends SkinnyKernel {
    private static final ValueLayout.OfFloat W_LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static FloatVector load(MemorySegment w, long off) {
        return FloatVector.fromMemorySegment(F, w, off, LE);
    }

    @Override
    float tail(float[] x, int xBase, MemorySegment w, long rowOff, int from, int k) {
        float s = 0;
        for (int i = from; i < k; i++) s += x[xBase + i] * w.get(W_LAYOUT, rowOff + 4L * i);
        return s;
    }

    @Override
    Activations pack(int rows, int k, MemorySegment x, long xOff, int ldx) {
        return new Activations(packPlain(rows, k, x, xOff, ldx), rows, k, 1f, x, xOff, ldx);
    }

    @Override
    float weight(MemorySegment w, long rowOff, int i) {
        return w.get(W_LAYOUT, rowOff + 4L * i);
    }

    @Override
    void rows1x4(Pass p, int row, int j, int step) {
        float[] x = p.a.data();
        int k = p.a.k();
        int xr = row * k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j), o1 = p.rowOffset(j + step), o2 = p.rowOffset(j + 2 * step), o3 = p.rowOffset(j + 3 * step);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int kv = k - k % BLOCK;
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector xa = FloatVector.fromArray(F, x, xr + i);
            FloatVector xb = FloatVector.fromArray(F, x, xr + i + L);
            long bo = 4L * i;
            FloatVector r0 = load(w, o0 + bo), s0 = load(w, o0 + bo + 4L * L);
            a0 = r0.fma(xa, a0);
            b0 = s0.fma(xb, b0);
            FloatVector r1 = load(w, o1 + bo), s1 = load(w, o1 + bo + 4L * L);
            a1 = r1.fma(xa, a1);
            b1 = s1.fma(xb, b1);
            FloatVector r2 = load(w, o2 + bo), s2 = load(w, o2 + bo + 4L * L);
            a2 = r2.fma(xa, a2);
            b2 = s2.fma(xb, b2);
            FloatVector r3 = load(w, o3 + bo), s3 = load(w, o3 + bo + 4L * L);
            a3 = r3.fma(xa, a3);
            b3 = s3.fma(xb, b3);
        }
        float s0 = Lanes.sum(a0.add(b0));
        float s1 = Lanes.sum(a1.add(b1));
        float s2 = Lanes.sum(a2.add(b2));
        float s3 = Lanes.sum(a3.add(b3));
        p.put(row, j, s0);
        p.put(row, j + step, s1);
        p.put(row, j + 2 * step, s2);
        p.put(row, j + 3 * step, s3);
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
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector r0 = load(w, o0 + 4L * i), s0 = load(w, o0 + 4L * i + 4L * L);
            a0 = r0.fma(FloatVector.fromArray(F, x, xr + i), a0);
            b0 = s0.fma(FloatVector.fromArray(F, x, xr + i + L), b0);
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
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector wv = load(w, o0 + 4L * i);
            a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            wv = load(w, o0 + 4L * i + 4L * L);
            b0 = wv.fma(FloatVector.fromArray(F, x, x0 + i + L), b0);
            b1 = wv.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
        }
        float s0 = Lanes.sum(a0.add(b0));
        float s1 = Lanes.sum(a1.add(b1));
        p.put(row, j, s0);
        p.put(row + 1, j, s1);
    }

    @Override
    void rows2x2(Pass p, int row, int j, int step) {
        float[] x = p.a.data();
        int k = p.a.k();
        int x0 = row * k, x1 = x0 + k;
        MemorySegment w = p.w;
        long o0 = p.rowOffset(j), o1 = p.rowOffset(j + step);
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, b00 = a00, b01 = a00, b10 = a00, b11 = a00;
        int kv = k - k % BLOCK;
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector w0 = load(w, o0 + 4L * i), w1 = load(w, o1 + 4L * i);
            FloatVector xv = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(xv, a00);
            a01 = w1.fma(xv, a01);
            xv = FloatVector.fromArray(F, x, x1 + i);
            a10 = w0.fma(xv, a10);
            a11 = w1.fma(xv, a11);
            w0 = load(w, o0 + 4L * i + 4L * L);
            w1 = load(w, o1 + 4L * i + 4L * L);
            xv = FloatVector.fromArray(F, x, x0 + i + L);
            b00 = w0.fma(xv, b00);
            b01 = w1.fma(xv, b01);
            xv = FloatVector.fromArray(F, x, x1 + i + L);
            b10 = w0.fma(xv, b10);
            b11 = w1.fma(xv, b11);
        }
        float s0 = Lanes.sum(a00.add(b00));
        float s1 = Lanes.sum(a01.add(b01));
        float s2 = Lanes.sum(a10.add(b10));
        float s3 = Lanes.sum(a11.add(b11));
        p.put(row, j, s0);
        p.put(row, j + step, s1);
        p.put(row + 1, j, s2);
        p.put(row + 1, j + step, s3);
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
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector wv = load(w, o0 + 4L * i);
            a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            wv = load(w, o0 + 4L * i + 4L * L);
            b0 = wv.fma(FloatVector.fromArray(F, x, x0 + i + L), b0);
            b1 = wv.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
            b2 = wv.fma(FloatVector.fromArray(F, x, x2 + i + L), b2);
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
        for (int i = 0; i < kv; i += BLOCK) {
            FloatVector wv = load(w, o0 + 4L * i);
            a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            wv = load(w, o0 + 4L * i + 4L * L);
            b0 = wv.fma(FloatVector.fromArray(F, x, x0 + i + L), b0);
            b1 = wv.fma(FloatVector.fromArray(F, x, x1 + i + L), b1);
            b2 = wv.fma(FloatVector.fromArray(F, x, x2 + i + L), b2);
            b3 = wv.fma(FloatVector.fromArray(F, x, x3 + i + L), b3);
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
