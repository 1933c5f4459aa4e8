package dev.fastdraft.kernels.attention;

import dev.fastdraft.kernels.Lanes;
import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static dev.fastdraft.kernels.ops.VectorMath.C2;
import static dev.fastdraft.kernels.ops.VectorMath.C3;
import static dev.fastdraft.kernels.ops.VectorMath.C4;
import static dev.fastdraft.kernels.ops.VectorMath.C5;
import static dev.fastdraft.kernels.ops.VectorMath.C6;
import static dev.fastdraft.kernels.ops.VectorMath.C7;
import static dev.fastdraft.kernels.ops.VectorMath.EXP_HI;
import static dev.fastdraft.kernels.ops.VectorMath.EXP_LO;
import static dev.fastdraft.kernels.ops.VectorMath.LN2_HI;
import static dev.fastdraft.kernels.ops.VectorMath.LN2_LO;
import static dev.fastdraft.kernels.ops.VectorMath.LOG2E;
import static dev.fastdraft.kernels.ops.VectorMath.ROUND_MAGIC;
import static dev.fastdraft.kernels.ops.VectorMath.ROUND_MAGIC_BITS;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.ops.Simd;
import dev.fastdraft.kernels.ops.VectorMath;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The vector pieces of blocked attention. Head rows in scratch arrays are padded with zeros to a
 * whole number of vectors ({@link #padded}), so only reads of K/V rows from segments need a tail
 * mask.
 */
final class BlockMath {
    private BlockMath() {}

    static int padded(int hd) {
        return (hd + L - 1) / L * L;
    }

    /** a[ao .. ao+padded(hd)) = seg[off .. off+hd) * scale, zero padded. */
    static void loadRow(MemorySegment seg, long off, int hd, float scale, float[] a, int ao) {
        int full = hd - hd % L;
        for (int c = 0; c < full; c += L) fromMemorySegment(S, seg, (off + c) * 4L, NATIVE).mul(scale).intoArray(a, ao + c);
        for (int d = full; d < hd; d++) a[ao + d] = Simd.get(seg, off + d) * scale;
        for (int d = hd, end = padded(hd); d < end; d++) a[ao + d] = 0f;
    }

    /** seg[off .. off+hd) = a[ao ..] * mul. */
    static void storeRow(float[] a, int ao, float mul, MemorySegment seg, long off, int hd) {
        int full = hd - hd % L;
        float[] o = Simd.floats(seg);
        if (o != null) {
            int oi = Simd.index(seg, off);
            for (int c = 0; c < full; c += L) FloatVector.fromArray(S, a, ao + c).mul(mul).intoArray(o, oi + c);
        } else {
            for (int c = 0; c < full; c += L) FloatVector.fromArray(S, a, ao + c).mul(mul).intoMemorySegment(seg, (off + c) * 4L, NATIVE);
        }
        for (int d = full; d < hd; d++) Simd.set(seg, off + d, a[ao + d] * mul);
    }

    /** seg[off .. off+hd) += a[ao ..]. */
    static void addRow(float[] a, int ao, MemorySegment seg, long off, int hd) {
        int full = hd - hd % L;
        float[] o = Simd.floats(seg);
        if (o != null) {
            int oi = Simd.index(seg, off);
            for (int c = 0; c < full; c += L) FloatVector.fromArray(S, o, oi + c).add(FloatVector.fromArray(S, a, ao + c)).intoArray(o, oi + c);
        } else {
            for (int c = 0; c < full; c += L) {
                fromMemorySegment(S, seg, (off + c) * 4L, NATIVE).add(FloatVector.fromArray(S, a, ao + c)).intoMemorySegment(seg, (off + c) * 4L, NATIVE);
            }
        }
        for (int d = full; d < hd; d++) Simd.set(seg, off + d, Simd.get(seg, off + d) + a[ao + d]);
    }

    /**
     * s[so + j - j0] = a[ao..] . row j for j in [j0, j1), row j at seg[base + j*ld]. Four rows at a
     * time share the loads of a and keep four independent FMA chains; a head size that is not a
     * whole number of vectors finishes each dot in scalar code.
     */
    static void dots(float[] a, int ao, MemorySegment seg, long base, int ld, int j0, int j1, int hd, float[] s, int so) {
        int full = hd - hd % L;
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            long r0 = base + (long) j * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < full; c += L) {
                FloatVector x = FloatVector.fromArray(S, a, ao + c);
                a0 = fromMemorySegment(S, seg, (r0 + c) * 4L, NATIVE).fma(x, a0);
                a1 = fromMemorySegment(S, seg, (r1 + c) * 4L, NATIVE).fma(x, a1);
                a2 = fromMemorySegment(S, seg, (r2 + c) * 4L, NATIVE).fma(x, a2);
                a3 = fromMemorySegment(S, seg, (r3 + c) * 4L, NATIVE).fma(x, a3);
            }
            int o = so + j - j0;
            s[o] = Lanes.sum(a0);
            s[o + 1] = Lanes.sum(a1);
            s[o + 2] = Lanes.sum(a2);
            s[o + 3] = Lanes.sum(a3);
        }
        for (; j < j1; j++) {
            long r0 = base + (long) j * ld;
            FloatVector a0 = FloatVector.zero(S);
            for (int c = 0; c < full; c += L) a0 = fromMemorySegment(S, seg, (r0 + c) * 4L, NATIVE).fma(FloatVector.fromArray(S, a, ao + c), a0);
            s[so + j - j0] = Lanes.sum(a0);
        }
        if (full < hd) {
            for (j = j0; j < j1; j++) {
                long r0 = base + (long) j * ld;
                float t = s[so + j - j0];
                for (int d = full; d < hd; d++) t = Math.fma(a[ao + d], Simd.get(seg, r0 + d), t);
                s[so + j - j0] = t;
            }
        }
    }

    /**
     * acc[ao..ao+hd) = acc * c + sum_{j<n} w[wo+j] * row (j0+j), rows at seg[base + row*ld].
     * Four vector columns of acc stay in registers while the rows stream past: four independent
     * FMA chains, so the loop runs at FMA throughput rather than latency.
     */
    static void scaleAndAccumulate(float[] acc, int ao, float c, float[] w, int wo, int n,
                                   MemorySegment seg, long base, int ld, int j0, int hd) {
        int full = hd - hd % L, col = 0;
        for (; col + 4 * L <= full; col += 4 * L) {
            FloatVector x0 = FloatVector.fromArray(S, acc, ao + col).mul(c), x1 = FloatVector.fromArray(S, acc, ao + col + L).mul(c);
            FloatVector x2 = FloatVector.fromArray(S, acc, ao + col + 2 * L).mul(c), x3 = FloatVector.fromArray(S, acc, ao + col + 3 * L).mul(c);
            long r = (base + (long) j0 * ld + col) * 4L;
            for (int j = 0; j < n; j++, r += 4L * ld) {
                FloatVector p = FloatVector.broadcast(S, w[wo + j]);
                x0 = fromMemorySegment(S, seg, r, NATIVE).fma(p, x0);
                x1 = fromMemorySegment(S, seg, r + 4L * L, NATIVE).fma(p, x1);
                x2 = fromMemorySegment(S, seg, r + 8L * L, NATIVE).fma(p, x2);
                x3 = fromMemorySegment(S, seg, r + 12L * L, NATIVE).fma(p, x3);
            }
            x0.intoArray(acc, ao + col);
            x1.intoArray(acc, ao + col + L);
            x2.intoArray(acc, ao + col + 2 * L);
            x3.intoArray(acc, ao + col + 3 * L);
        }
        for (; col < full; col += L) {
            FloatVector x = FloatVector.fromArray(S, acc, ao + col).mul(c);
            long r = (base + (long) j0 * ld + col) * 4L;
            for (int j = 0; j < n; j++, r += 4L * ld) x = fromMemorySegment(S, seg, r, NATIVE).fma(FloatVector.broadcast(S, w[wo + j]), x);
            x.intoArray(acc, ao + col);
        }
        for (int d = full; d < hd; d++) {
            float x = acc[ao + d] * c;
            long r = base + (long) j0 * ld + d;
            for (int j = 0; j < n; j++, r += ld) x = Math.fma(Simd.get(seg, r), w[wo + j], x);
            acc[ao + d] = x;
        }
    }

    /**
     * {@link #dots} for four query rows at once (rows at a[ao + q*stride], scores to
     * s[so + q*sStride + j - j0]): each key chunk is loaded once for all four, which cuts loads
     * and cache traffic 4x when the query heads of a KV group share keys.
     */
    static void dots4(float[] a, int ao, int stride, MemorySegment seg, long base, int ld, int j0, int j1, int hd,
                      float[] s, int so, int sStride) {
        int full = hd - hd % L;
        for (int j = j0; j < j1; j++) {
            long r0 = base + (long) j * ld;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < full; c += L) {
                FloatVector kv = fromMemorySegment(S, seg, (r0 + c) * 4L, NATIVE);
                a0 = kv.fma(FloatVector.fromArray(S, a, ao + c), a0);
                a1 = kv.fma(FloatVector.fromArray(S, a, ao + stride + c), a1);
                a2 = kv.fma(FloatVector.fromArray(S, a, ao + 2 * stride + c), a2);
                a3 = kv.fma(FloatVector.fromArray(S, a, ao + 3 * stride + c), a3);
            }
            int o = so + j - j0;
            s[o] = Lanes.sum(a0);
            s[o + sStride] = Lanes.sum(a1);
            s[o + 2 * sStride] = Lanes.sum(a2);
            s[o + 3 * sStride] = Lanes.sum(a3);
        }
        if (full < hd) {
            for (int q = 0; q < 4; q++) {
                for (int j = j0; j < j1; j++) {
                    long r0 = base + (long) j * ld;
                    int o = so + q * sStride + j - j0;
                    float t = s[o];
                    for (int d = full; d < hd; d++) t = Math.fma(a[ao + q * stride + d], Simd.get(seg, r0 + d), t);
                    s[o] = t;
                }
            }
        }
    }

    /**
     * {@link #scaleAndAccumulate} for four rows of acc (at acc[ao + q*stride], rescaled by c[q],
     * weights w[wo + q*wStride + j]): each V chunk is loaded once for all four rows; eight
     * accumulators (four rows x two columns) stay in registers.
     */
    static void scaleAndAccumulate4(float[] acc, int ao, int stride, float[] c, float[] w, int wo, int wStride, int n,
                                    MemorySegment seg, long base, int ld, int j0, int hd) {
        int full = hd - hd % L, col = 0;
        int o0 = ao, o1 = ao + stride, o2 = ao + 2 * stride, o3 = ao + 3 * stride;
        int w0 = wo, w1 = wo + wStride, w2 = wo + 2 * wStride, w3 = wo + 3 * wStride;
        for (; col + 2 * L <= full; col += 2 * L) {
            FloatVector x00 = FloatVector.fromArray(S, acc, o0 + col).mul(c[0]), x01 = FloatVector.fromArray(S, acc, o0 + col + L).mul(c[0]);
            FloatVector x10 = FloatVector.fromArray(S, acc, o1 + col).mul(c[1]), x11 = FloatVector.fromArray(S, acc, o1 + col + L).mul(c[1]);
            FloatVector x20 = FloatVector.fromArray(S, acc, o2 + col).mul(c[2]), x21 = FloatVector.fromArray(S, acc, o2 + col + L).mul(c[2]);
            FloatVector x30 = FloatVector.fromArray(S, acc, o3 + col).mul(c[3]), x31 = FloatVector.fromArray(S, acc, o3 + col + L).mul(c[3]);
            long r = (base + (long) j0 * ld + col) * 4L;
            for (int j = 0; j < n; j++, r += 4L * ld) {
                FloatVector v0 = fromMemorySegment(S, seg, r, NATIVE), v1 = fromMemorySegment(S, seg, r + 4L * L, NATIVE);
                FloatVector p = FloatVector.broadcast(S, w[w0 + j]);
                x00 = v0.fma(p, x00);
                x01 = v1.fma(p, x01);
                p = FloatVector.broadcast(S, w[w1 + j]);
                x10 = v0.fma(p, x10);
                x11 = v1.fma(p, x11);
                p = FloatVector.broadcast(S, w[w2 + j]);
                x20 = v0.fma(p, x20);
                x21 = v1.fma(p, x21);
                p = FloatVector.broadcast(S, w[w3 + j]);
                x30 = v0.fma(p, x30);
                x31 = v1.fma(p, x31);
            }
            x00.intoArray(acc, o0 + col);
            x01.intoArray(acc, o0 + col + L);
            x10.intoArray(acc, o1 + col);
            x11.intoArray(acc, o1 + col + L);
            x20.intoArray(acc, o2 + col);
            x21.intoArray(acc, o2 + col + L);
            x30.intoArray(acc, o3 + col);
            x31.intoArray(acc, o3 + col + L);
        }
        if (col < hd) {
            // an odd vector column and/or a partial one: per row, with the single-row kernel's code
            for (int q = 0; q < 4; q++) {
                tail(acc, ao + q * stride, c[q], w, wo + q * wStride, n, seg, base, ld, j0, hd, col);
            }
        }
    }

    /** Columns [from, hd) of {@link #scaleAndAccumulate}. */
    private static void tail(float[] acc, int ao, float c, float[] w, int wo, int n, MemorySegment seg, long base, int ld, int j0,
                             int hd, int from) {
        int full = hd - hd % L, col = from;
        for (; col < full; col += L) {
            FloatVector x = FloatVector.fromArray(S, acc, ao + col).mul(c);
            long r = (base + (long) j0 * ld + col) * 4L;
            for (int j = 0; j < n; j++, r += 4L * ld) x = fromMemorySegment(S, seg, r, NATIVE).fma(FloatVector.broadcast(S, w[wo + j]), x);
            x.intoArray(acc, ao + col);
        }
        for (int d = Math.max(full, from); d < hd; d++) {
            float x = acc[ao + d] * c;
            long r = base + (long) j0 * ld + d;
            for (int j = 0; j < n; j++, r += ld) x = Math.fma(Simd.get(seg, r), w[wo + j], x);
            acc[ao + d] = x;
        }
    }

    /** Row j of acc (stride hdPad from ao) += w[wo+j] * x[xo..], for j in [0, n); zero weights skip their row. */
    static void addScaledRows(float[] acc, int ao, int hdPad, float[] w, int wo, int n, float[] x, int xo) {
        for (int j = 0; j < n; j++) {
            float wj = w[wo + j];
            if (wj == 0f) continue;
            FloatVector b = FloatVector.broadcast(S, wj);
            int ro = ao + j * hdPad;
            for (int c = 0; c < hdPad; c += L) {
                FloatVector.fromArray(S, x, xo + c).fma(b, FloatVector.fromArray(S, acc, ro + c)).intoArray(acc, ro + c);
            }
        }
    }

    /** x[xo..] += sum_{j<n} w[wo+j] * seg row (j0+j), over padded(hd) lanes (padding stays 0). */
    static void accumulateRows(float[] x, int xo, float[] w, int wo, int n, MemorySegment seg, long base, int ld, int j0, int hd) {
        scaleAndAccumulate(x, xo, 1f, w, wo, n, seg, base, ld, j0, hd);
    }

    static float max(float[] s, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) m = m.max(FloatVector.fromArray(S, s, off + i));
        float best = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) best = Math.max(best, s[off + i]);
        return best;
    }

    /** s[i] = exp(s[i] - shift) for i in [off, off+n); returns their sum. */
    static float expShift(float[] s, int off, int n, float shift) {
        FloatVector sh = FloatVector.broadcast(S, shift), sum = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector a = FloatVector.fromArray(S, s, off + i).sub(sh);
            // exp(a), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = a.max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e.intoArray(s, off + i);
            sum = sum.add(e);
        }
        float total = Lanes.sum(sum);
        for (; i < n; i++) {
            float e = VectorMath.exp(s[off + i] - shift);
            s[off + i] = e;
            total += e;
        }
        return total;
    }
}
