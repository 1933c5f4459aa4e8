package dev.fastdraft.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Random operands for the skinny GEMM tests, and the comparison with the reference. */
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

    /**
     * Checks y after a product against the reference's yRef: elements outside the [rows x n] output are
     * unchanged from {@code before}, the others within (k/8 + 40) * 2^-24 * (sum|x*w| + |prior y|) of the
     * reference (SkinnyGemmTest explains the bound).
     */
    static void assertMatchesReference(String what, WeightType wt, int rows, int n, int k, MemorySegment x, long xOff, int ldx,
                                       MemorySegment w, long wOff, float[] before, float[] got, float[] want, long yOff, int ldy,
                                       boolean accumulate) {
        double[] xs = new double[rows * k], ws = new double[n * k];
        for (int r = 0; r < rows; r++) for (int t = 0; t < k; t++) xs[r * k + t] = x.getAtIndex(FLOAT, xOff + (long) r * ldx + t);
        for (int j = 0; j < n; j++) for (int t = 0; t < k; t++) ws[j * k + t] = SkinnyGemmReference.weight(wt, w, wOff + j * wt.rowBytes(k), t);
        for (int i = 0; i < got.length; i++) {
            long rel = i - yOff;
            boolean written = n > 0 && rel >= 0 && rel / ldy < rows && rel % ldy < n;
            if (!written) {
                assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(got[i]), what + ": y[" + i + "] outside the output was changed");
                continue;
            }
            int r = (int) (rel / ldy), j = (int) (rel % ldy);
            double magnitude = accumulate ? Math.abs(before[i]) : 0;
            for (int t = 0; t < k; t++) magnitude += Math.abs(xs[r * k + t] * ws[j * k + t]);
            double tol = (k / 8.0 + 40) * 0x1p-24 * magnitude + Float.MIN_NORMAL;
            if (!(Math.abs(got[i] - want[i]) <= tol)) fail(what + ": y[" + r + "][" + j + "] = " + got[i] + ", reference " + want[i] + ", tolerance " + tol);
        }
    }

    /** The segment's floats, for comparing before and after. */
    static float[] snapshot(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
    }
}
