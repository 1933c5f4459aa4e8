package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Many rows against BF16/F16 weights: widened blocks through the SGEMM, against a double reference. */
class LinearWidenedTest {
    private static void check(DType dt, int rows, int in, int out, long seed) {
        Random rnd = new Random(seed);
        float[] xs = new float[rows * in];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rnd.nextGaussian();
        // weights stored from byte 2 of their segment, so that the widening reads at an offset
        MemorySegment wSeg = MemorySegment.ofArray(new byte[2 + out * in * 2]);
        double[] ws = new double[out * in];
        for (int i = 0; i < ws.length; i++) {
            float v = (float) rnd.nextGaussian() * 0.1f;
            short h = dt == DType.BF16 ? HalfFloats.floatToBf16(v) : HalfFloats.floatToF16(v);
            wSeg.set(HalfFloats.SHORT_LE, 2 + 2L * i, h);
            ws[i] = dt == DType.BF16 ? HalfFloats.bf16ToFloat(h) : HalfFloats.f16ToFloat(h);
        }
        Tensor x = Tensor.of(xs, rows, in), w = Tensor.wrap(dt, wSeg, 2, out, in), y = Tensor.zeros(rows, out);
        Linear.forwardWidened(WorkerPool.common(), x, w, y);
        float[] got = y.toFloatArray();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double want = 0, mag = 0;
                for (int i = 0; i < in; i++) {
                    want += xs[r * in + i] * ws[j * in + i];
                    mag += Math.abs(xs[r * in + i] * ws[j * in + i]);
                }
                double tol = 1e-6 * mag + 1e-30;
                if (!(Math.abs(got[r * out + j] - want) <= tol)) {
                    fail(dt + " rows=" + rows + " in=" + in + " out=" + out + ": y[" + r + "][" + j + "] = " + got[r * out + j] + ", want " + want);
                }
            }
        }
    }

    @Test
    void bf16AndF16WeightsMatchTheReference() {
        long seed = 1;
        for (DType dt : new DType[] {DType.BF16, DType.F16}) {
            check(dt, 17, 37, 53, seed++);
            check(dt, 40, 64, 300, seed++);
        }
    }

    @Test
    void onlyLongPromptsAreWidened() {
        assertTrue(Linear.widens(256, 2048, 2048));
        assertTrue(Linear.widens(128, 512, 1536));
        assertFalse(Linear.widens(16, 2048, 8192), "verification rows stay on the skinny kernel");
        assertFalse(Linear.widens(64, 2048, 8192), "short prompts stay on the skinny kernel");
    }

    @Test
    void weightsWidenedInSeveralBlocks() {
        int in = 1024, out = Linear.WIDEN_FLOATS / in * 2 + 5; // two full blocks and a short one
        assertTrue((long) out * in > 2L * Linear.WIDEN_FLOATS);
        check(DType.BF16, 19, in, out, 7);
    }
}
