package dev.fastdraft.kernels.gemv;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a weight matrix is stored. Each format brings its own {@link SkinnyKernel}, so adding a format
 * (say int8 blocks with a scale per block) is one new constant and one new kernel class.
 */
public enum WeightType {
    F32(4, new F32Kernel()),
    BF16(2, new Bf16Kernel()),
    F16(2, new F16Kernel());

    private final int elementBytes;
    private final SkinnyKernel kernel;

    WeightType(int elementBytes, SkinnyKernel kernel) {
        this.elementBytes = elementBytes;
        this.kernel = kernel;
    }

    /** Bytes per stored element. */
    public int elementBytes() {
        return elementBytes;
    }

    /** Bytes one weight row of {@code k} elements occupies. */
    public long rowBytes(int k) {
        return (long) k * elementBytes;
    }

    /** The lower-case name used on command lines and in reports: f32, bf16, f16. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #label()} (case-insensitive). */
    public static WeightType parse(String s) {
        for (WeightType t : values()) if (t.label().equalsIgnoreCase(s.trim())) return t;
        throw new IllegalArgumentException("unknown weight type '" + s + "'; expected one of "
                + Arrays.stream(values()).map(WeightType::label).collect(Collectors.joining(", ")));
    }

    SkinnyKernel kernel() {
        return kernel;
    }
}
