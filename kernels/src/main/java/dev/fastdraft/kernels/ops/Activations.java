package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.load;
import static dev.fastdraft.kernels.ops.Simd.store;
import static dev.fastdraft.kernels.ops.Simd.tail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

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
 * Outputs may be inputs (in place) when they are the same rows.
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
            for (int r = from; r < to; r++) {
                long go = gOff + (long) r * ldg, uo = uOff + (long) r * ldu, oo = oOff + (long) r * ldo;
                int i = 0;
                for (int lim = Simd.S.loopBound(n); i < lim; i += L) {
                    FloatVector g = load(gate, go + i);
                    store(g.mul(VectorMath.sigmoid(g)).mul(load(up, uo + i)), out, oo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector g = load(gate, go + i, m);
                    store(g.mul(VectorMath.sigmoid(g)).mul(load(up, uo + i, m)), out, oo + i, m);
                }
            }
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
                long go = gOff + (long) r * ldg, uo = uOff + (long) r * ldu, d = dOff + (long) r * ldd;
                long dgo = dgOff + (long) r * lddg, duo = duOff + (long) r * lddu;
                int i = 0;
                for (int lim = Simd.S.loopBound(n); i < lim; i += L) {
                    FloatVector g = load(gate, go + i), u = load(up, uo + i), dy = load(dOut, d + i);
                    FloatVector s = VectorMath.sigmoid(g);
                    FloatVector silu = g.mul(s);
                    store(dy.mul(u).mul(siluGrad(g, s)), dGate, dgo + i);
                    store(dy.mul(silu), dUp, duo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector g = load(gate, go + i, m), u = load(up, uo + i, m), dy = load(dOut, d + i, m);
                    FloatVector s = VectorMath.sigmoid(g);
                    FloatVector silu = g.mul(s);
                    store(dy.mul(u).mul(siluGrad(g, s)), dGate, dgo + i, m);
                    store(dy.mul(silu), dUp, duo + i, m);
                }
            }
        });
    }

    private static void forward(String op, Fn fn, WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                MemorySegment y, long yOff, int ldy) {
        OpChecks.rows(op, "x", x, xOff, rows, n, ldx);
        OpChecks.rows(op, "y", y, yOff, rows, n, ldy);
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                int i = 0;
                for (int lim = Simd.S.loopBound(n); i < lim; i += L) store(value(fn, load(x, xo + i)), y, yo + i);
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    store(value(fn, load(x, xo + i, m)), y, yo + i, m);
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
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, go = dyOff + (long) r * lddy, oo = dxOff + (long) r * lddx;
                int i = 0;
                for (int lim = Simd.S.loopBound(n); i < lim; i += L) {
                    store(derivative(fn, load(x, xo + i)).mul(load(dy, go + i)), dx, oo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    store(derivative(fn, load(x, xo + i, m)).mul(load(dy, go + i, m)), dx, oo + i, m);
                }
            }
        });
    }

    // The switch is on a constant per call site after inlining; each arm is straight-line vector code.
    private static FloatVector value(Fn fn, FloatVector x) {
        return switch (fn) {
            case SILU -> x.mul(VectorMath.sigmoid(x));
            case GELU_TANH -> x.mul(VectorMath.sigmoid(tanhArgument(x).mul(2f)));
            case GELU_ERF -> x.mul(phi(x));
        };
    }

    private static FloatVector derivative(Fn fn, FloatVector x) {
        return switch (fn) {
            case SILU -> siluGrad(x, VectorMath.sigmoid(x));
            case GELU_TANH -> {
                // d/dx [x s(2u)] = s + 2 x s (1 - s) u',  u' = sqrt(2/pi)(1 + 3c x^2)
                FloatVector s = VectorMath.sigmoid(tanhArgument(x).mul(2f));
                FloatVector du = x.mul(x).mul(3f * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
                FloatVector ds = s.mul(s.neg().add(1f));
                yield x.mul(2f).mul(ds).mul(du).add(s);
            }
            case GELU_ERF -> {
                // Phi(x) + x * phi(x)
                FloatVector pdf = VectorMath.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
                yield x.fma(pdf, phi(x));
            }
        };
    }

    private static FloatVector siluGrad(FloatVector x, FloatVector s) {
        return x.mul(s.neg().add(1f)).add(1f).mul(s);
    }

    private static FloatVector tanhArgument(FloatVector x) {
        return x.mul(x).mul(x).mul(GELU_C).add(x).mul(SQRT_2_OVER_PI);
    }

    /** Standard normal CDF: 0.5 erfc(|x|/sqrt2) on the left, 1 - that on the right. */
    private static FloatVector phi(FloatVector x) {
        FloatVector half = VectorMath.erfc(x.abs().mul(INV_SQRT2)).mul(0.5f);
        return half.neg().add(1f).blend(half, x.lt(0f));
    }
}
