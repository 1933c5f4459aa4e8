package dev.fastdraft.kernels.gemv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The plain scalar definition of {@link SkinnyGemm#matmulTransposed}, accumulating in double, for tests.
 * It decodes weights on its own (not through the kernels) so that it checks their decoding too.
 */
public final class SkinnyGemmReference {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private SkinnyGemmReference() {}

    /** Same contract and validation as {@link SkinnyGemm#matmulTransposed}, minus the pool. */
    public static void matmulTransposed(int rows, int n, int k,
                                        MemorySegment x, long xOff, int ldx,
                                        WeightType wt, MemorySegment w, long wByteOff,
                                        MemorySegment y, long yOff, int ldy, boolean accumulate) {
        SkinnyGemmChecks.checkOperands(rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
        long rowBytes = wt.rowBytes(k);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += (double) x.getAtIndex(FLOAT, xOff + (long) r * ldx + i) * weight(wt, w, wByteOff + j * rowBytes, i);
                }
                long at = yOff + (long) r * ldy + j;
                float prior = accumulate ? y.getAtIndex(FLOAT, at) : 0f;
                y.setAtIndex(FLOAT, at, (float) (prior + s));
            }
        }
    }

    /** Element i of the weight row at byte {@code rowOff}, decoded from its definition. */
    public static double weight(WeightType wt, MemorySegment w, long rowOff, int i) {
        return switch (wt) {
            case F32 -> w.get(FLOAT_LE, rowOff + 4L * i);
            case BF16 -> Float.intBitsToFloat((w.get(SHORT_LE, rowOff + 2L * i) & 0xFFFF) << 16);
            case F16 -> Float.float16ToFloat(w.get(SHORT_LE, rowOff + 2L * i));
        };
    }
}
