package dev.fastdraft.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class TensorTest {
    private static Tensor iota(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    @Test
    void viewsShareStorageAndIndexCorrectly() {
        Tensor t = iota(2, 3, 4);
        assertEquals(23f, t.get(1, 2, 3));
        Tensor tr = t.transpose(0, 2); // [4,3,2]
        assertArrayEquals(new int[] {4, 3, 2}, tr.shape());
        assertEquals(t.get(1, 2, 3), tr.get(3, 2, 1));
        assertFalse(tr.isContiguous());
        Tensor nar = t.narrow(2, 1, 2); // [2,3,2]
        assertEquals(t.get(1, 1, 2), nar.get(1, 1, 1));
        Tensor sel = t.select(1, 2); // [2,4]
        assertEquals(t.get(1, 2, 0), sel.get(1, 0));
        nar.set(-5f, 0, 0, 0);
        assertEquals(-5f, t.get(0, 0, 1), "a view writes through to its storage");
        Tensor r = t.reshape(6, -1);
        assertArrayEquals(new int[] {6, 4}, r.shape());
        assertEquals(t.get(1, 1, 3), r.get(4, 3));
    }

    @Test
    void toFloatArrayFollowsStrides() {
        Tensor t = iota(2, 3);
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.transpose(0, 1).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 4, 5}, t.narrow(1, 1, 2).toFloatArray());
        assertEquals(4, t.narrow(1, 1, 2).rowStride("test") + 1, "row stride of a narrowed view is the parent's");
    }

    @Test
    void halfPrecisionRoundTrips() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor src = Tensor.of(new float[] {1f, -2.5f, 3.1415927f, 65504f, 1e-3f, Float.NaN}, 6);
            Tensor bf = src.to(DType.BF16, arena);
            Tensor f16 = src.to(DType.F16, arena);
            float[] b = bf.toFloatArray();
            float[] h = f16.toFloatArray();
            assertEquals(3.140625f, b[2], "BF16 keeps 8 bits of mantissa, rounded to nearest even");
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(3.1415927f)), h[2]);
            assertEquals(65504f, h[3]);
            assertTrue(Float.isNaN(b[5]) && Float.isNaN(h[5]));
            assertEquals(12, bf.byteSize());
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 lies exactly between two BF16 values; ties go to the even mantissa (1.0)
        assertEquals(1.0f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 0x1p-8f)));
        // 1 + 3*2^-8 ties between 1+2^-7 (odd) and 1+2^-6 (even): rounds up to even
        assertEquals(1f + 0x1p-6f, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1f + 3 * 0x1p-8f)));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.POSITIVE_INFINITY)));
    }

    @Test
    void badArgumentsNameTheOpAndShape() {
        Tensor t = iota(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
        assertTrue(e.getMessage().startsWith("reshape:") && e.getMessage().contains("[2, 3]"), e.getMessage());
        var o = assertThrows(IndexOutOfBoundsException.class, () -> t.narrow(1, 2, 2));
        assertTrue(o.getMessage().contains("narrow"), o.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> t.transpose(0, 1).reshape(6));
        try (Arena arena = Arena.ofConfined()) {
            var seg = arena.allocate(10);
            var w = assertThrows(IndexOutOfBoundsException.class, () -> Tensor.wrap(DType.F32, seg, 0, 3));
            assertTrue(w.getMessage().contains("needs 12 bytes"), w.getMessage());
        }
    }
}
