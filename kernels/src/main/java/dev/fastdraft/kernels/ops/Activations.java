package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static dev.fastdraft.kernels.ops.VectorMath.C2;
import static dev.fastdraft.kernels.ops.VectorMath.C3;
import static dev.fastdraft.kernels.ops.VectorMath.C4;
import static dev.fastdraft.kernels.ops.VectorMath.C5;
import static dev.fastdraft.kernels.ops.VectorMath.C6;
import static dev.fastdraft.kernels.ops.VectorMath.C7;
import static dev.fastdraft.kernels.ops.VectorMath.E0;
import static dev.fastdraft.kernels.ops.VectorMath.E1;
import static dev.fastdraft.kernels.ops.VectorMath.E2;
import static dev.fastdraft.kernels.ops.VectorMath.E3;
import static dev.fastdraft.kernels.ops.VectorMath.E4;
import static dev.fastdraft.kernels.ops.VectorMath.E5;
import static dev.fastdraft.kernels.ops.VectorMath.E6;
import static dev.fastdraft.kernels.ops.VectorMath.E7;
import static dev.fastdraft.kernels.ops.VectorMath.E8;
import static dev.fastdraft.kernels.ops.VectorMath.E9;
import static dev.fastdraft.kernels.ops.VectorMath.EXP_HI;
import static dev.fastdraft.kernels.ops.VectorMath.EXP_LO;
import static dev.fastdraft.kernels.ops.VectorMath.LN2_HI;
import static dev.fastdraft.kernels.ops.VectorMath.LN2_LO;
import static dev.fastdraft.kernels.ops.VectorMath.LOG2E;
import static dev.fastdraft.kernels.ops.VectorMath.ROUND_MAGIC;
import static dev.fastdraft.kernels.ops.VectorMath.ROUND_MAGIC_BITS;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Activation functions of Llama-family MLPs, forward and backward, element-wise over rows:
 * <ul>
 *   <li>SiLU: x * sigmoid(x) (HF "silu"); silu'(x) = s * (1 + x * (1 - s)).</li>
 *   <li>GELU, tanh approximation (HF "gelu_pytorch_tanh"): 0.5x(1 + tanh(u)) with
 *       u = sqrt(2/pi)(x + 0.044715x^3), computed as the identical x * sigmoid(2u), which
 *       needs one exp and no cancellation.</li>
 *   <li>GELU, exact (HF "gelu"): x * Phi(x), Phi from {@link VectorMath#erfc} of |x|/sqrt(2), so
 *       the left tail keeps its relative precision.</li>
 *   <li>SwiGLU: silu(gate) * up, the fused product of Llama's MLP.</li>
 * </ul>
 * Outputs may be inputs (in place) when they are the same rows. Each function has its own row loop
 * with its exp written inline (see {@link VectorMath} for why) and a scalar tail using the twins.
 * Optional inputs select branches around stores, never a conditional vector value, and no loop is
 * shared through a mode flag: either makes C2 keep a vector on the heap once both paths have run
 * or the loop outgrows its compilation budget (measured 10x slower, with 64 bytes allocated per vector).
 */
public final class Activations {
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    private static final float GELU_C = 0.044715f;
    private static final float INV_SQRT2 = 0.7071067811865476f;
    private static final float INV_SQRT_2PI = 0.3989422804014327f;

    private enum Fn { SILU, GELU_TANH, GELU_ERF }


    private Activations() {}

    public static void silu(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        forward("silu", Fn.SILU, pool, rows, n, x, xOff, ldx, y, yOff, ldy);
    }

    /** dx = dy * silu'(x); dx may be dy. */
    public static void siluBackward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                    MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx) {
        backward("siluBackward", Fn.SILU, pool, rows, n, x, xOff, ldx, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    public static void geluTanh(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        forward("geluTanh", Fn.GELU_TANH, pool, rows, n, x, xOff, ldx, y, yOff, ldy);
    }

    public static void geluTanhBackward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                        MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx) {
        backward("geluTanhBackward", Fn.GELU_TANH, pool, rows, n, x, xOff, ldx, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    public static void gelu(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        forward("gelu", Fn.GELU_ERF, pool, rows, n, x, xOff, ldx, y, yOff, ldy);
    }

    public static void geluBackward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                    MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx) {
        backward("geluBackward", Fn.GELU_ERF, pool, rows, n, x, xOff, ldx, dy, dyOff, lddy, dx, dxOff, lddx);
    }

    /** out = silu(gate) * up. */
    public static void swiglu(WorkerPool pool, int rows, int n, MemorySegment gate, long gOff, int ldg,
                              MemorySegment up, long uOff, int ldu, MemorySegment out, long oOff, int ldo) {
        OpChecks.rows("swiglu", "gate", gate, gOff, rows, n, ldg);
        OpChecks.rows("swiglu", "up", up, uOff, rows, n, ldu);
        OpChecks.rows("swiglu", "out", out, oOff, rows, n, ldo);
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) siluRow(gate, gOff + (long) r * ldg, up, uOff + (long) r * ldu, out, oOff + (long) r * ldo, n);
        });
    }

    /**
     * dUp = dOut * silu(gate), dGate = dOut * up * silu'(gate). dGate may be gate and dUp may be
     * up (each element is read before it is written).
     */
    public static void swigluBackward(WorkerPool pool, int rows, int n, MemorySegment gate, long gOff, int ldg,
                                      MemorySegment up, long uOff, int ldu, MemorySegment dOut, long dOff, int ldd,
                                      MemorySegment dGate, long dgOff, int lddg, MemorySegment dUp, long duOff, int lddu) {
        OpChecks.rows("swigluBackward", "gate", gate, gOff, rows, n, ldg);
        OpChecks.rows("swigluBackward", "up", up, uOff, rows, n, ldu);
        OpChecks.rows("swigluBackward", "dOut", dOut, dOff, rows, n, ldd);
        OpChecks.rows("swigluBackward", "dGate", dGate, dgOff, rows, n, lddg);
        OpChecks.rows("swigluBackward", "dUp", dUp, duOff, rows, n, lddu);
        RowParallel.run(pool, rows, n, 5, (from, to) -> {
            for (int r = from; r < to; r++) {
                siluBackwardRow(gate, gOff + (long) r * ldg, up, uOff + (long) r * ldu, dOut, dOff + (long) r * ldd,
                        dGate, dgOff + (long) r * lddg, dUp, duOff + (long) r * lddu, n);
            }
        });
    }

    private static void forward(String op, Fn fn, WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                MemorySegment y, long yOff, int ldy) {
        OpChecks.rows(op, "x", x, xOff, rows, n, ldx);
        OpChecks.rows(op, "y", y, yOff, rows, n, ldy);
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            float[] chunk = fn == Fn.GELU_ERF ? CHUNK.get() : null;
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                switch (fn) {
                    case SILU -> siluRow(x, xo, null, 0, y, yo, n);
                    case GELU_TANH -> geluTanhRow(x, xo, y, yo, n);
                    case GELU_ERF -> geluErfRow(x, xo, y, yo, n, chunk);
                }
            }
        });
    }

    private static void backward(String op, Fn fn, WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                 MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx) {
        OpChecks.rows(op, "x", x, xOff, rows, n, ldx);
        OpChecks.rows(op, "dy", dy, dyOff, rows, n, lddy);
        OpChecks.rows(op, "dx", dx, dxOff, rows, n, lddx);
        RowParallel.run(pool, rows, n, 5, (from, to) -> {
            float[] chunk = fn == Fn.GELU_ERF ? CHUNK.get() : null;
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
                switch (fn) {
                    case SILU -> siluBackwardRow(x, xo, null, 0, dy, go, dx, oo, null, 0, n);
                    case GELU_TANH -> geluTanhBackwardRow(x, xo, dy, go, dx, oo, n);
                    case GELU_ERF -> geluErfBackwardRow(x, xo, dy, go, dx, oo, n, chunk);
                }
            }
        });
    }

    // ---- SiLU and SwiGLU: x * sigmoid(x) [* up] ----

    private static void siluRow(MemorySegment x, long xo, MemorySegment up, long uo, MemorySegment y, long yo, int n) {
        // heap segments go through their arrays (Simd.floats); one loop body, not a helper per kind, because a
        // helper that takes or returns a vector may be left uninlined and box it (Simd)
        float[] xa = Simd.floats(x), ya = Simd.floats(y), ua = up == null ? null : Simd.floats(up);
        int xi = xa == null ? 0 : Simd.index(x, xo), yi = ya == null ? 0 : Simd.index(y, yo), ui = ua == null ? 0 : Simd.index(up, uo);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int lim = S.loopBound(n); i < lim; i += L) {
            FloatVector v = xa != null ? FloatVector.fromArray(S, xa, xi + i) : fromMemorySegment(S, x, (xo + i) * 4L, NATIVE);
            // exp(-x), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = v.neg().max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector out = v.mul(one.div(e.add(1f)));
            if (up != null) out = out.mul(ua != null ? FloatVector.fromArray(S, ua, ui + i) : fromMemorySegment(S, up, (uo + i) * 4L, NATIVE));
            if (ya != null) out.intoArray(ya, yi + i);
            else out.intoMemorySegment(y, (yo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) {
            float v = Simd.get(x, xo + i), out = v * VectorMath.sigmoid(v);
            Simd.set(y, yo + i, up != null ? out * Simd.get(up, uo + i) : out);
        }
    }

    /** silu'(x) = s (1 + x (1 - s)); dx = dOut [* up] * silu'(x); with up, also dUp = dOut * silu(x). */
    private static void siluBackwardRow(MemorySegment x, long xo, MemorySegment up, long uo, MemorySegment dOut, long d,
                                        MemorySegment dx, long dxo, MemorySegment dUp, long duo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int lim = S.loopBound(n); i < lim; i += L) {
            FloatVector v = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE);
            // exp(-x), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = v.neg().max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector s = one.div(e.add(1f));
            FloatVector grad = v.mul(one.sub(s)).add(1f).mul(s);
            FloatVector g = fromMemorySegment(S, dOut, (d + i) * 4L, NATIVE);
            if (up != null) {
                // read up before writing dUp: they may be the same rows
                FloatVector u = fromMemorySegment(S, up, (uo + i) * 4L, NATIVE);
                if (dUp != null) g.mul(v.mul(s)).intoMemorySegment(dUp, (duo + i) * 4L, NATIVE);
                g.mul(u).mul(grad).intoMemorySegment(dx, (dxo + i) * 4L, NATIVE);
            } else {
                g.mul(grad).intoMemorySegment(dx, (dxo + i) * 4L, NATIVE);
            }
        }
        for (; i < n; i++) {
            float v = Simd.get(x, xo + i), s = VectorMath.sigmoid(v), grad = (v * (1f - s) + 1f) * s;
            float g = Simd.get(dOut, d + i);
            if (up != null) {
                float u = Simd.get(up, uo + i);
                if (dUp != null) Simd.set(dUp, duo + i, g * (v * s));
                Simd.set(dx, dxo + i, g * u * grad);
            } else {
                Simd.set(dx, dxo + i, g * grad);
            }
        }
    }

    // ---- GELU, tanh form: x * sigmoid(2u), u = sqrt(2/pi)(x + c x^3) ----

    private static void geluTanhRow(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int lim = S.loopBound(n); i < lim; i += L) {
            FloatVector v = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE);
            FloatVector twoU = v.mul(v).mul(v).mul(GELU_C).add(v).mul(2f * SQRT_2_OVER_PI);
            // exp(-2u), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = twoU.neg().max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            v.mul(one.div(e.add(1f))).intoMemorySegment(y, (yo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) {
            float v = Simd.get(x, xo + i);
            Simd.set(y, yo + i, v * VectorMath.sigmoid((v * v * v * GELU_C + v) * (2f * SQRT_2_OVER_PI)));
        }
    }

    /** d/dx [x s] = s + x s (1 - s) 2u', s = sigmoid(2u), 2u' = 2 sqrt(2/pi)(1 + 3c x^2). */
    private static void geluTanhBackwardRow(MemorySegment x, long xo, MemorySegment dy, long go, MemorySegment dx, long oo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int lim = S.loopBound(n); i < lim; i += L) {
            FloatVector v = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE), v2 = v.mul(v);
            FloatVector twoU = v2.mul(v).mul(GELU_C).add(v).mul(2f * SQRT_2_OVER_PI);
            // exp(-2u), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = twoU.neg().max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector s = one.div(e.add(1f));
            FloatVector du = v2.mul(3f * GELU_C).add(1f).mul(2f * SQRT_2_OVER_PI);
            v.mul(s).mul(one.sub(s)).mul(du).add(s).mul(fromMemorySegment(S, dy, (go + i) * 4L, NATIVE)).intoMemorySegment(dx, (oo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) {
            float v = Simd.get(x, xo + i), v2 = v * v;
            float s = VectorMath.sigmoid((v2 * v * GELU_C + v) * (2f * SQRT_2_OVER_PI));
            float du = (v2 * (3f * GELU_C) + 1f) * (2f * SQRT_2_OVER_PI);
            Simd.set(dx, oo + i, (v * s * (1f - s) * du + s) * Simd.get(dy, go + i));
        }
    }

    // ---- GELU, erf form: x * Phi(x), Phi = 0.5 erfc(|x|/sqrt2) on the left, 1 - that on the right ----
    // The erfc loop alone fills C2's per-compilation budget, so it writes chunks of half-tails (and
    // Gaussians) to per-thread scratch and short loops finish from there.

    private static final int CHUNK_SIZE = 1024;
    private static final ThreadLocal<float[]> CHUNK = ThreadLocal.withInitial(() -> new float[2 * CHUNK_SIZE]);

    private static void geluErfRow(MemorySegment x, long xo, MemorySegment y, long yo, int n, float[] chunk) {
        for (int c0 = 0; c0 < n; c0 += CHUNK_SIZE) {
            int len = Math.min(CHUNK_SIZE, n - c0);
            erfcHalves(x, xo + c0, len, chunk);
            int i = 0;
            for (int lim = S.loopBound(len); i < lim; i += L) {
                FloatVector v = fromMemorySegment(S, x, (xo + c0 + i) * 4L, NATIVE), half = FloatVector.fromArray(S, chunk, i);
                v.mul(half.neg().add(1f).blend(half, v.lt(0f))).intoMemorySegment(y, (yo + c0 + i) * 4L, NATIVE);
            }
            for (; i < len; i++) {
                float v = Simd.get(x, xo + c0 + i), half = chunk[i];
                Simd.set(y, yo + c0 + i, v * (v < 0f ? half : 1f - half));
            }
        }
    }

    /** Phi(x) + x * pdf(x), pdf(x) = exp(-x^2/2)/sqrt(2 pi). */
    private static void geluErfBackwardRow(MemorySegment x, long xo, MemorySegment dy, long go, MemorySegment dx, long oo, int n,
                                           float[] chunk) {
        for (int c0 = 0; c0 < n; c0 += CHUNK_SIZE) {
            int len = Math.min(CHUNK_SIZE, n - c0);
            erfcHalves(x, xo + c0, len, chunk);
            int i = 0;
            for (int lim = S.loopBound(len); i < lim; i += L) {
                FloatVector v = fromMemorySegment(S, x, (xo + c0 + i) * 4L, NATIVE), half = FloatVector.fromArray(S, chunk, i);
                FloatVector gauss = FloatVector.fromArray(S, chunk, CHUNK_SIZE + i);
                FloatVector phi = half.neg().add(1f).blend(half, v.lt(0f));
                v.fma(gauss.mul(INV_SQRT_2PI), phi).mul(fromMemorySegment(S, dy, (go + c0 + i) * 4L, NATIVE)).intoMemorySegment(dx, (oo + c0 + i) * 4L, NATIVE);
            }
            for (; i < len; i++) {
                float v = Simd.get(x, xo + c0 + i), half = chunk[i], gauss = chunk[CHUNK_SIZE + i];
                Simd.set(dx, oo + c0 + i, Math.fma(v, gauss * INV_SQRT_2PI, v < 0f ? half : 1f - half) * Simd.get(dy, go + c0 + i));
            }
        }
    }

    /**
     * For z = |x|/sqrt2: chunk[i] = erfc(z)/2 and chunk[CHUNK_SIZE + i] = exp(-z^2) = exp(-x^2/2),
     * the latter with the rounding of z*z corrected by an fma.
     */
    private static void erfcHalves(MemorySegment x, long xo, int len, float[] chunk) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int lim = S.loopBound(len); i < lim; i += L) {
            FloatVector z = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).abs().mul(INV_SQRT2).min(VectorMath.ERFC_ZERO_ABOVE);
            FloatVector tt = one.div(z.fma(0.5f, 1f));
            FloatVector poly = tt.fma(E9, E8).fma(tt, FloatVector.broadcast(S, E7)).fma(tt, FloatVector.broadcast(S, E6))
                    .fma(tt, FloatVector.broadcast(S, E5)).fma(tt, FloatVector.broadcast(S, E4)).fma(tt, FloatVector.broadcast(S, E3))
                    .fma(tt, FloatVector.broadcast(S, E2)).fma(tt, FloatVector.broadcast(S, E1)).fma(tt, FloatVector.broadcast(S, E0));
            FloatVector zz = z.mul(z), zzErr = z.fma(z, zz.neg());
            // exp(-zz), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = zz.neg().max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector gauss = e.mul(zzErr.neg().add(1f));
            gauss.intoArray(chunk, CHUNK_SIZE + i);
            gauss.mul(poly).mul(0.5f).intoArray(chunk, i);
        }
        for (; i < len; i++) {
            float z = Math.min(Math.abs(Simd.get(x, xo + i)) * INV_SQRT2, VectorMath.ERFC_ZERO_ABOVE), zz = z * z;
            chunk[CHUNK_SIZE + i] = VectorMath.exp(-zz) * (1f - Math.fma(z, z, -zz));
            chunk[i] = VectorMath.erfc(z) * 0.5f;
        }
    }
}
