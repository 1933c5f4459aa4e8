package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/**
 * Scalar double-precision activations, as PyTorch defines them, evaluated in double in forms
 * without cancellation (tanh GELU via the identity 1 + tanh(u) = 2 sigmoid(2u), erf GELU via erfc),
 * so they are accurate in the far left tails where the fast kernels must be checked too, so tests check the rewrites too.
 */
public final class ActivationsReference {
    public enum Kind { SILU, GELU_TANH, GELU_ERF }

    private ActivationsReference() {}

    public static double value(Kind k, double x) {
        return switch (k) {
            case SILU -> x * sigmoid(x);
            // 0.5x(1 + tanh(u)) = x * sigmoid(2u): the same function, without double's own cancellation in 1 + tanh(u) for u << 0
            case GELU_TANH -> x * sigmoid(2 * geluTanhArgument(x));
            case GELU_ERF -> 0.5 * x * erfc(-x / Math.sqrt(2)); // = 0.5x(1 + erf(x/sqrt2)), no cancellation on the left
        };
    }

    public static double derivative(Kind k, double x) {
        return switch (k) {
            case SILU -> {
                double s = 1 / (1 + Math.exp(-x));
                yield s * (1 + x * (1 - s));
            }
            case GELU_TANH -> {
                // 0.5(1 + t) + 0.5x(1 - t^2)u' with 1 + t = 2s and 1 - t^2 = 4s(1 - s), s = sigmoid(2u)
                double s = sigmoid(2 * geluTanhArgument(x));
                yield s + 2 * x * s * (1 - s) * Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * x * x);
            }
            case GELU_ERF -> 0.5 * erfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
        };
    }

    /** PyTorch's form of the tanh GELU, for checking the rewrite where it has no cancellation. */
    public static double geluTanhAsWritten(double x) {
        return 0.5 * x * (1 + Math.tanh(geluTanhArgument(x)));
    }

    private static double geluTanhArgument(double x) {
        return Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    public static void forward(Kind k, int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment y, long yOff, int ldy) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) Simd.set(y, yOff + (long) r * ldy + i, (float) value(k, Simd.get(x, xOff + (long) r * ldx + i)));
        }
    }

    public static void backward(Kind k, int rows, int n, MemorySegment x, long xOff, int ldx, MemorySegment dy, long dyOff, int lddy,
                                MemorySegment dx, long dxOff, int lddx) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                double d = derivative(k, Simd.get(x, xOff + (long) r * ldx + i)) * Simd.get(dy, dyOff + (long) r * lddy + i);
                Simd.set(dx, dxOff + (long) r * lddx + i, (float) d);
            }
        }
    }

    public static void swiglu(int rows, int n, MemorySegment gate, long gOff, int ldg, MemorySegment up, long uOff, int ldu,
                              MemorySegment out, long oOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                double g = Simd.get(gate, gOff + (long) r * ldg + i), u = Simd.get(up, uOff + (long) r * ldu + i);
                Simd.set(out, oOff + (long) r * ldo + i, (float) (value(Kind.SILU, g) * u));
            }
        }
    }

    public static void swigluBackward(int rows, int n, MemorySegment gate, long gOff, int ldg, MemorySegment up, long uOff, int ldu,
                                      MemorySegment dOut, long dOff, int ldd, MemorySegment dGate, long dgOff, int lddg,
                                      MemorySegment dUp, long duOff, int lddu) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                double g = Simd.get(gate, gOff + (long) r * ldg + i), u = Simd.get(up, uOff + (long) r * ldu + i);
                double d = Simd.get(dOut, dOff + (long) r * ldd + i);
                Simd.set(dGate, dgOff + (long) r * lddg + i, (float) (d * u * derivative(Kind.SILU, g)));
                Simd.set(dUp, duOff + (long) r * lddu + i, (float) (d * value(Kind.SILU, g)));
            }
        }
    }

    /**
     * erf in double: Maclaurin series for |x| < 2.5 (alternating terms peak near 13 there, so about
     * 1e-15 absolute error), continued fraction for erfc beyond (converges fast for large x).
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double term = ax, sum = ax, x2 = ax * ax;
            for (int k = 1; k < 200; k++) {
                term *= -x2 / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            r = 1 - erfcLarge(ax);
        }
        return x < 0 ? -r : r;
    }

    public static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        return x >= 2.5 ? erfcLarge(x) : 1 - erf(x);
    }

    /** erfc(x) for x >= 2.5 by the Laplace continued fraction, evaluated bottom-up. */
    public static double erfcLarge(double x) {
        if (x > 27) return 0;
        double f = 0;
        for (int k = 120; k >= 1; k--) f = (k / 2.0) / (x + f);
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
    }
}
