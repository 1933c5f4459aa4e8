package dev.fastdraft.engine;

/** Scalar conversions for 16-bit floats (bulk, vectorised ones live in the kernels). */
public final class Halves {
    private Halves() {}

    /** F32 to BF16 with round-to-nearest-even; NaN stays a (quiet) NaN, as PyTorch does. */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x0040);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBf16(short h) {
        return Float.intBitsToFloat(h << 16);
    }
}
