package dev.fastdraft.kernels.convert;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Conversions between float and the two 16-bit float formats found in checkpoints:
 * bfloat16 (the top half of a float) and IEEE binary16 ("f16", {@link Float#float16ToFloat} semantics).
 *
 * <p>Narrowing rounds to nearest, ties to even, and keeps NaN a NaN. The bulk methods read and write
 * little-endian data at any byte offset (safetensors data may be only 2-byte aligned, or not at all).
 */
public final class HalfFloats {
    public static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Same lane count as {@link #F}, half the bits: one short per float lane. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));

    private HalfFloats() {}

    // ---- scalar ----

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Rounds to nearest bfloat16, ties to even; NaN stays NaN (made quiet so that no payload bit is lost into infinity). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) return (short) ((bits >>> 16) | 0x0040);
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Rounds to nearest binary16, ties to even (exactly {@link Float#floatToFloat16}). */
    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }

    // ---- bulk, little-endian, any byte offsets ----

    /** {@code dst[i] = bf16ToFloat(src[i])} for {@code count} elements. */
    public static void bf16ToFloat(MemorySegment src, long srcByteOff, MemorySegment dst, long dstByteOff, long count) {
        checkBulk("bf16ToFloat", src, srcByteOff, 2, dst, dstByteOff, 4, count);
        long i = 0;
        int lanes = F.length();
        for (; i <= count - lanes; i += lanes) {
            IntVector wide = (IntVector) ShortVector.fromMemorySegment(S, src, srcByteOff + 2 * i, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
            wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                    .intoMemorySegment(dst, dstByteOff + 4 * i, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < count; i++) dst.set(FLOAT_LE, dstByteOff + 4 * i, bf16ToFloat(src.get(SHORT_LE, srcByteOff + 2 * i)));
    }

    /** {@code dst[i] = floatToBf16(src[i])} for {@code count} elements. */
    public static void floatToBf16(MemorySegment src, long srcByteOff, MemorySegment dst, long dstByteOff, long count) {
        checkBulk("floatToBf16", src, srcByteOff, 4, dst, dstByteOff, 2, count);
        long i = 0;
        int lanes = F.length();
        for (; i <= count - lanes; i += lanes) {
            IntVector bits = IntVector.fromMemorySegment(I, src, srcByteOff + 4 * i, ByteOrder.LITTLE_ENDIAN);
            IntVector lsb = bits.lanewise(VectorOperators.LSHR, 16).lanewise(VectorOperators.AND, 1);
            IntVector rounded = bits.add(lsb).add(0x7FFF).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = bits.lanewise(VectorOperators.AND, 0x7FFF_FFFF).compare(VectorOperators.GT, 0x7F80_0000);
            IntVector quietNan = bits.lanewise(VectorOperators.LSHR, 16).lanewise(VectorOperators.OR, 0x0040);
            ShortVector out = (ShortVector) rounded.blend(quietNan, nan).convertShape(VectorOperators.I2S, S, 0);
            out.intoMemorySegment(dst, dstByteOff + 2 * i, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < count; i++) dst.set(SHORT_LE, dstByteOff + 2 * i, floatToBf16(src.get(FLOAT_LE, srcByteOff + 4 * i)));
    }

    /** {@code dst[i] = f16ToFloat(src[i])} for {@code count} elements. */
    public static void f16ToFloat(MemorySegment src, long srcByteOff, MemorySegment dst, long dstByteOff, long count) {
        checkBulk("f16ToFloat", src, srcByteOff, 2, dst, dstByteOff, 4, count);
        long i = 0;
        int lanes = F.length();
        for (; i <= count - lanes; i += lanes) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, srcByteOff + 2 * i, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
            IntVector magnitude = h.lanewise(VectorOperators.AND, 0x7FFF).lanewise(VectorOperators.LSHL, 13);
            IntVector sign = h.lanewise(VectorOperators.AND, 0x8000).lanewise(VectorOperators.LSHL, 16);
            // Placing the 5-bit exponent in a float's exponent field and scaling by 2^112 rebiases it (15 -> 127)
            // and turns binary16 subnormals into the right float value, all in one exact multiply.
            IntVector finite = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00 << 13);
            IntVector infNan = magnitude.lanewise(VectorOperators.OR, 0x7F80_0000);
            finite.blend(infNan, special).lanewise(VectorOperators.OR, sign).reinterpretAsFloats()
                    .intoMemorySegment(dst, dstByteOff + 4 * i, ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < count; i++) dst.set(FLOAT_LE, dstByteOff + 4 * i, Float.float16ToFloat(src.get(SHORT_LE, srcByteOff + 2 * i)));
    }

    /**
     * {@code dst[i] = floatToF16(src[i])} for {@code count} elements. Scalar: {@link Float#floatToFloat16} is an
     * intrinsic, and narrowing to f16 only happens when writing checkpoints, never in a hot loop.
     */
    public static void floatToF16(MemorySegment src, long srcByteOff, MemorySegment dst, long dstByteOff, long count) {
        checkBulk("floatToF16", src, srcByteOff, 4, dst, dstByteOff, 2, count);
        for (long i = 0; i < count; i++) dst.set(SHORT_LE, dstByteOff + 2 * i, Float.floatToFloat16(src.get(FLOAT_LE, srcByteOff + 4 * i)));
    }

    private static void checkBulk(String op, MemorySegment src, long srcOff, int srcBytes,
                                  MemorySegment dst, long dstOff, int dstBytes, long count) {
        Objects.requireNonNull(src, () -> "HalfFloats." + op + ": src is null");
        Objects.requireNonNull(dst, () -> "HalfFloats." + op + ": dst is null");
        if (count < 0) throw new IllegalArgumentException("HalfFloats." + op + ": count must be >= 0, got " + count);
        checkRange(op, "src", src, srcOff, count, srcBytes);
        checkRange(op, "dst", dst, dstOff, count, dstBytes);
        if (dst.isReadOnly()) throw new IllegalArgumentException("HalfFloats." + op + ": dst is read-only");
        if (count > 0 && src.asSlice(srcOff, count * srcBytes).asOverlappingSlice(dst.asSlice(dstOff, count * dstBytes)).isPresent()) {
            throw new IllegalArgumentException("HalfFloats." + op + ": src and dst overlap (" + count + " elements)");
        }
    }

    private static void checkRange(String op, String name, MemorySegment seg, long off, long count, int bytes) {
        if (off < 0 || count > (Long.MAX_VALUE - off) / bytes || off + count * bytes > seg.byteSize()) {
            throw new IndexOutOfBoundsException("HalfFloats." + op + ": " + name + " bytes [" + off + ", " + off + " + " + count + " * " + bytes
                    + ") lie outside the segment of " + seg.byteSize() + " bytes");
        }
    }
}
