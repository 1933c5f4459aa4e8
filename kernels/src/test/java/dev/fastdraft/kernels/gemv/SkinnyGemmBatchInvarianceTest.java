package dev.fastdraft.kernels.gemv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each output row is computed the same way however many rows share the call, bit for bit. Greedy
 * speculative decoding relies on it: the target verifies k+1 tokens in one call, and must produce the
 * logits that one-token decode steps would have produced.
 */
class SkinnyGemmBatchInvarianceTest {
    @Test
    void everyRowEqualsItsSingleRowResult() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 37, k = 300;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            for (WeightType wt : WeightType.values()) {
                int bytes = wt == WeightType.F32 ? 4 : 2;
                MemorySegment w = arena.allocate((long) n * k * bytes);
                for (long i = 0; i < (long) n * k; i++) {
                    float v = (float) r.nextGaussian();
                    if (bytes == 4) w.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
                    else w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, wt == WeightType.F16 ? Float.floatToFloat16(v) : (short) (Float.floatToRawIntBits(v) >>> 16));
                }
                for (int rows = 1; rows <= 16; rows++) {
                    float[] x = new float[rows * k];
                    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
                    float[] all = new float[rows * n];
                    SkinnyGemm.matmulTransposed(pool, rows, n, k, MemorySegment.ofArray(x), 0, k, wt, w, 0, MemorySegment.ofArray(all), 0, n, false);
                    for (int row = 0; row < rows; row++) {
                        float[] one = new float[n];
                        SkinnyGemm.matmulTransposed(pool, 1, n, k, MemorySegment.ofArray(x), (long) row * k, k, wt, w, 0, MemorySegment.ofArray(one), 0, n, false);
                        for (int j = 0; j < n; j++) {
                            assertEquals(Float.floatToRawIntBits(one[j]), Float.floatToRawIntBits(all[row * n + j]),
                                    wt + ": row " + row + " of " + rows + ", output " + j);
                        }
                    }
                }
            }
        }
    }
}
