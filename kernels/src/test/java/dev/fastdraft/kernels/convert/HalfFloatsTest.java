package dev.fastdraft.kernels.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {
    private static short bf16(float f) {
        return HalfFloats.floatToBf16(f);
    }

    private static float bits(int b) {
        return Float.intBitsToFloat(b);
    }

    private static void assertBf16(int expected, int floatBits) {
        assertEquals(expected, bf16(bits(floatBits)) & 0xFFFF,
                String.format("floatToBf16(0x%08X): expected 0x%04X got 0x%04X", floatBits, expected, bf16(bits(floatBits)) & 0xFFFF));
    }

    @Test
    void bf16RoundsToNearestTiesToEven() {
        assertBf16(0x3F80, 0x3F80_0000); // 1.0 exact
        assertBf16(0x3F80, 0x3F80_7FFF); // below half: down
        assertBf16(0x3F81, 0x3F80_8001); // above half: up
        assertBf16(0x3F80, 0x3F80_8000); // tie, 0x3F80 even: stays
        assertBf16(0x3F82, 0x3F81_8000); // tie, 0x3F81 odd: up to even
        assertBf16(0xBF82, 0xBF81_8000); // same for negatives
        assertBf16(0x4000, 0x3FFF_FFFF); // carry into the exponent
        assertBf16(0x7F80, 0x7F7F_FFFF); // largest float rounds to infinity
        assertBf16(0x7F7F, 0x7F7F_7FFF); // ... but just below the midpoint stays finite
    }

    @Test
    void bf16SpecialValues() {
        assertBf16(0x7F80, 0x7F80_0000); // +inf
        assertBf16(0xFF80, 0xFF80_0000); // -inf
        assertBf16(0x0000, 0x0000_0000);
        assertBf16(0x8000, 0x8000_0000); // -0 keeps its sign
        assertBf16(0x0000, 0x0000_0001); // smallest subnormal rounds to 0
        assertBf16(0x0000, 0x0000_8000); // subnormal tie to even (0)
        assertBf16(0x0002, 0x0001_8000); // subnormal tie to even (2)
        assertBf16(0x0001, 0x0001_0000); // exact subnormal
        assertBf16(0x0080, 0x007F_FFFF); // largest subnormal rounds up to the smallest normal
        assertBf16(0x7FC0, 0x7FC0_0000); // quiet NaN
        assertBf16(0xFFC0, 0xFFC0_0000); // negative NaN keeps its sign
        // a NaN whose payload sits only in the low half must not become infinity
        short s = bf16(bits(0x7F80_0001));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(s)), "signalling NaN stays NaN: " + Integer.toHexString(s & 0xFFFF));
        assertEquals(0x7FC0, s & 0xFFFF);
    }

    @Test
    void bf16RoundTripsEveryPattern() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.bf16ToFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(f), "bf16ToFloat is the top half");
            if (!Float.isNaN(f)) assertEquals(h, bf16(f) & 0xFFFF, "round trip of 0x" + Integer.toHexString(h));
            else assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(bf16(f))));
        }
    }

    /** Rounding checked against a definition that does not use bit tricks: the nearer of the two neighbours, even on ties. */
    @Test
    void bf16MatchesNearestNeighbourDefinition() {
        Random rnd = new Random(3);
        for (int t = 0; t < 200_000; t++) {
            float f = bits(rnd.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) continue;
            int b = Float.floatToRawIntBits(f);
            float down = bits(b & 0xFFFF_0000); // truncation toward zero
            float up = bits((b & 0xFFFF_0000) + 0x1_0000); // next bf16 away from zero (may be infinity)
            double dDown = Math.abs((double) f - down), dUp = Math.abs((double) f - up);
            float want;
            if (Float.isInfinite(up)) {
                // above the midpoint between max bf16 and 2^128 rounds to infinity
                double mid = Math.abs((double) down) + Math.ulp(Math.abs(down)) * 65536.0 / 2;
                want = Math.abs(f) >= mid ? up : down;
            } else if (dDown < dUp) want = down;
            else if (dUp < dDown) want = up;
            else want = ((b >>> 16) & 1) == 0 ? down : up;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(HalfFloats.bf16ToFloat(bf16(f))),
                    "rounding of " + f + " (0x" + Integer.toHexString(b) + ")");
        }
    }

    @Test
    void f16ScalarIsTheJdkConversion() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Float.float16ToFloat((short) h);
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) h)));
            if (!Float.isNaN(f)) assertEquals(h, HalfFloats.floatToF16(f) & 0xFFFF);
        }
    }

    @Test
    void bulkF16ToFloatMatchesJdkForEveryPattern() {
        try (Arena arena = Arena.ofConfined()) {
            for (long off : new long[] {0, 1, 2}) {
                MemorySegment src = arena.allocate(off + 2L * 0x10000);
                for (int h = 0; h < 0x10000; h++) src.set(HalfFloats.SHORT_LE, off + 2L * h, (short) h);
                MemorySegment dst = arena.allocate(4L * 0x10000 + 4);
                HalfFloats.f16ToFloat(src, off, dst, 4, 0x10000);
                for (int h = 0; h < 0x10000; h++) {
                    float want = Float.float16ToFloat((short) h), got = dst.get(HalfFloats.FLOAT_LE, 4 + 4L * h);
                    if (Float.isNaN(want)) assertTrue(Float.isNaN(got), "NaN 0x" + Integer.toHexString(h));
                    else assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), "f16 0x" + Integer.toHexString(h));
                }
            }
        }
    }

    @Test
    void bulkBf16ToFloatMatchesScalarForEveryPattern() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(2L * 0x10000 + 3);
            for (int h = 0; h < 0x10000; h++) src.set(HalfFloats.SHORT_LE, 3 + 2L * h, (short) h);
            MemorySegment dst = arena.allocate(4L * 0x10000);
            HalfFloats.bf16ToFloat(src, 3, dst, 0, 0x10000);
            for (int h = 0; h < 0x10000; h++) {
                assertEquals(h << 16, Float.floatToRawIntBits(dst.get(HalfFloats.FLOAT_LE, 4L * h)), "bf16 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void bulkNarrowingMatchesScalar() {
        int count = 100_003; // not a multiple of any vector width
        Random rnd = new Random(9);
        int[] specials = {0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x7F80_0001, 0xFFFF_FFFF, 0, 0x8000_0000, 1, 0x0001_8000,
                0x3F80_8000, 0x3F81_8000, 0x7F7F_FFFF, 0x477F_F000, 0x3880_0000, 0x3380_0000, 0x3300_0000};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * count + 2);
            for (int i = 0; i < count; i++) {
                int b = i < specials.length ? specials[i] : (i % 3 == 0 ? rnd.nextInt() : Float.floatToRawIntBits((float) rnd.nextGaussian() * 100));
                src.set(HalfFloats.FLOAT_LE, 2 + 4L * i, bits(b));
            }
            MemorySegment bf = arena.allocate(2L * count + 1), f16 = arena.allocate(2L * count + 1);
            HalfFloats.floatToBf16(src, 2, bf, 1, count);
            HalfFloats.floatToF16(src, 2, f16, 1, count);
            for (int i = 0; i < count; i++) {
                float f = src.get(HalfFloats.FLOAT_LE, 2 + 4L * i);
                assertEquals(HalfFloats.floatToBf16(f), bf.get(HalfFloats.SHORT_LE, 1 + 2L * i), "bf16 of " + f);
                short want = Float.floatToFloat16(f), got = f16.get(HalfFloats.SHORT_LE, 1 + 2L * i);
                if (Float.isNaN(f)) assertTrue(Float.isNaN(Float.float16ToFloat(got)), "f16 NaN");
                else assertEquals(want, got, "f16 of " + f);
            }
        }
    }

    @Test
    void bulkRefusesBadRanges() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(16), dst = arena.allocate(16);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> HalfFloats.bf16ToFloat(src, 0, dst, 0, 5));
            assertTrue(e.getMessage().contains("bf16ToFloat") && e.getMessage().contains("dst"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> HalfFloats.floatToBf16(src, -1, dst, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> HalfFloats.f16ToFloat(src, 0, dst, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> HalfFloats.f16ToFloat(src, 0, src, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> HalfFloats.floatToF16(src, 0, dst.asReadOnly(), 0, 2));
        }
    }
}
