package dev.fastdraft.kernels.gemv;

import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Random operands for the skinny GEMM tests. */
final class GemvFixtures {
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GemvFixtures() {}

    /**
     * n x k weights of type {@code wt} from byte {@code byteOff} in a fresh segment with {@code slack} bytes after them.
     * About 1 in 50 values of the 16-bit types is a subnormal, to exercise their decoding.
     */
    static MemorySegment weights(Arena arena, Random rnd, WeightType wt, int n, int k, long byteOff, long slack) {
        long bytes = n * wt.rowBytes(k);
        MemorySegment w = arena.allocate(byteOff + bytes + slack, 8);
        for (long i = 0; i < (long) n * k; i++) {
            float v = (float) rnd.nextGaussian() * 0.5f;
            long at = byteOff + i * wt.elementBytes();
            switch (wt) {
                case F32 -> w.set(HalfFloats.FLOAT_LE, at, v);
                case BF16 -> w.set(HalfFloats.SHORT_LE, at, rnd.nextInt(50) == 0
                        ? (short) (rnd.nextInt(0x80) | (rnd.nextBoolean() ? 0x8000 : 0)) : HalfFloats.floatToBf16(v));
                case F16 -> w.set(HalfFloats.SHORT_LE, at, rnd.nextInt(50) == 0
                        ? (short) (rnd.nextInt(0x400) | (rnd.nextBoolean() ? 0x8000 : 0)) : Float.floatToFloat16(v));
            }
        }
        return w;
    }

    /** A float segment of {@code count} uniform values in [-1, 1). */
    static MemorySegment floats(Arena arena, Random rnd, long count) {
        MemorySegment s = arena.allocate(Math.max(1, count) * Float.BYTES, 4);
        for (long i = 0; i < count; i++) s.setAtIndex(FLOAT, i, rnd.nextFloat() * 2 - 1);
        return s;
    }

    /** The segment's floats, for comparing before and after. */
    static float[] snapshot(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
    }
}
