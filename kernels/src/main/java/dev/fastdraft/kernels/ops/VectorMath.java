package dev.fastdraft.kernels.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Transcendental functions on float vectors built from adds, multiplies and bit tricks only.
 *
 * <p>Hot loops do not call {@link #exp(FloatVector)}: they carry its few lines inline, marked
 * "exp inlined by hand". C2 keeps vectors in registers only when everything between a load and a
 * store is inlined into one compilation, and a compilation stops inlining once it holds about
 * 18000 IR nodes (NodeCountInliningCutoff), which a row kernel with several vector loops reaches;
 * the next call then boxes a vector on the heap per iteration (measured: 10x slower). A loop with
 * exp written inline exceeds 325 bytecodes, so C2 never inlines it into a caller and compiles it as
 * its own root with a fresh node budget. The vector methods here serve cold code and tests; the
 * scalar twins give bit-identical results for loop tails.
 *
 * <p>{@code lanewise(EXP)} is fast only where the JDK has an intrinsic stub for the CPU and falls
 * back to per-lane {@code Math.exp} elsewhere (tens of times slower), and its accuracy is
 * platform-defined. These versions cost the same everywhere and have stated errors:
 * <ul>
 *   <li>{@link #exp}: at most 2 ulp on normal results (Cody-Waite reduction, degree-7 Taylor on
 *       |r| <= ln2/2, truncation 5e-9); -inf gives 0, +inf or overflow gives +inf, NaN stays NaN;
 *       results below about 1e-45 flush to 0.</li>
 *   <li>{@link #erfc}: relative error below 6e-7 for z >= 0, from exp(-z^2) times a degree-9
 *       polynomial in t = 1/(1 + z/2) fitted (relative minimax, fitted offline for this project) to
 *       erfc(z)exp(z^2) on [0, 10.5]; the rounding error of z*z is corrected with an fma.</li>
 * </ul>
 */
public final class VectorMath {
    // Constants of exp, public for the loops that inline it.
    public static final float LOG2E = 1.44269504088896341f;
    public static final float LN2_HI = 0.693359375f; // few mantissa bits, so n*LN2_HI is exact
    public static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float in (-2^22, 2^22) to an integer in the low mantissa bits. */
    public static final float ROUND_MAGIC = 12582912f;
    public static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
    /** Below -104 exp underflows to 0 even as a subnormal; above 88.8 it overflows. */
    public static final float EXP_LO = -104f;
    public static final float EXP_HI = 88.8f;
    /** Taylor coefficients 1/k! of the reduced exp polynomial. */
    public static final float C2 = 0.5f, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /** erfc(z) exp(z^2) ~ sum of E_i t^i with t = 1/(1 + z/2); package-private for the loops that inline erfc. */
    static final float E0 = -4.602042281476315e-06f, E1 = 0.2821907103061676f, E2 = 0.2813805043697357f,
            E3 = 0.24835216999053955f, E4 = 0.1857684850692749f, E5 = 0.008039593696594238f, E6 = 0.23276031017303467f,
            E7 = -0.4506455957889557f, E8 = 0.2679966986179352f, E9 = -0.05583828315138817f;

    /** erfc underflows to 0 beyond about 10.1; clamping keeps t in the fitted range and inf out of the fma. */
    static final float ERFC_ZERO_ABOVE = 10.5f;

    private VectorMath() {}

    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI); // NaN passes through max/min
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        FloatVector r = n.fma(c(n, -LN2_HI), xc);
        r = n.fma(c(n, -LN2_LO), r);
        FloatVector p = r.fma(C7, C6);
        p = p.fma(r, c(r, C5));
        p = p.fma(r, c(r, C4));
        p = p.fma(r, c(r, C3));
        p = p.fma(r, c(r, C2));
        p = p.fma(r, c(r, 1f));
        p = p.fma(r, c(r, 1f));
        // 2^n in two factors: n spans [-150, 128], which one exponent field cannot hold.
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    private static FloatVector c(FloatVector like, float value) {
        return FloatVector.broadcast(like.species(), value);
    }

    /** Scalar twin of {@link #exp} (same algorithm, same results), for code that is not vectorised. */
    public static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        int ni = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int n1 = ni >> 1;
        int n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** 1 / (1 + exp(-x)); exact 0 and 1 at the infinities. */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(x.species(), 1f);
        return one.div(exp(x.neg()).add(1f));
    }

    /** Scalar twin of {@link #sigmoid(FloatVector)}. */
    public static float sigmoid(float x) {
        return 1f / (exp(-x) + 1f);
    }

    /** erfc(z) for z >= 0 (callers pass |z| and reflect); +inf gives 0. */
    public static FloatVector erfc(FloatVector z) {
        z = z.min(ERFC_ZERO_ABOVE);
        FloatVector t = FloatVector.broadcast(z.species(), 1f).div(z.fma(0.5f, 1f));
        FloatVector p = t.fma(E9, E8).fma(t, c(t, E7)).fma(t, c(t, E6)).fma(t, c(t, E5)).fma(t, c(t, E4))
                .fma(t, c(t, E3)).fma(t, c(t, E2)).fma(t, c(t, E1)).fma(t, c(t, E0));
        FloatVector zz = z.mul(z);
        FloatVector zzErr = z.fma(z, zz.neg()); // z*z - zz exactly
        // exp(-(zz + zzErr)) ~= exp(-zz) * (1 - zzErr): zzErr is below half an ulp of zz.
        return exp(zz.neg()).mul(p).mul(zzErr.neg().add(1f));
    }

    /** Scalar twin of {@link #erfc(FloatVector)}. */
    public static float erfc(float z) {
        z = Math.min(z, ERFC_ZERO_ABOVE);
        float t = 1f / Math.fma(z, 0.5f, 1f);
        float p = Math.fma(t, E9, E8);
        p = Math.fma(p, t, E7);
        p = Math.fma(p, t, E6);
        p = Math.fma(p, t, E5);
        p = Math.fma(p, t, E4);
        p = Math.fma(p, t, E3);
        p = Math.fma(p, t, E2);
        p = Math.fma(p, t, E1);
        p = Math.fma(p, t, E0);
        float zz = z * z;
        float zzErr = Math.fma(z, z, -zz);
        return exp(-zz) * p * (1f - zzErr);
    }
}
