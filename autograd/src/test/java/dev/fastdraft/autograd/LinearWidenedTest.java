package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.convert.HalfFloats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Products against BF16/F16 weights, against a double reference: many rows widened through the SGEMM, few
 * rows through the panel kernel where the weights have a panel copy.
 */
class LinearWidenedTest {
    /** Where the weights are read from. */
    enum Source { STORED, PANELS }

    private static void check(DType dt, int rows, int in, int out, long seed) {
        check(dt, rows, in, out, seed, Source.STORED);
    }

    private static void check(DType dt, int rows, int in, int out, long seed, Source source) {
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
        if (source == Source.STORED) {
            Linear.forwardWidened(WorkerPool.common(), x, w, y);
        } else {
            Var weight = Var.constant(w);
            WeightPanels panels = new WeightPanels();
            y = Linear.apply(Var.constant(x), weight, null, null, panels).value();
            assertEquals(Linear.widens(rows, in, out) ? 0 : 1, panels.size(), "a copy only for a product of few rows");
        }
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
    void bf16PanelCopiesMatchTheReference() {
        check(DType.BF16, 5, 64, 300, 12, Source.PANELS);        // the panel kernel
        check(DType.BF16, 127, 37, 53, 11, Source.PANELS);       // the most rows it takes, a partial last panel
        check(DType.BF16, 130, 37, 53, 13, Source.PANELS);       // widened from the stored matrix, no copy made
    }

    @Test
    void f16PanelCopiesMatchTheReference() {
        check(DType.F16, 5, 64, 300, 14, Source.PANELS);
        check(DType.F16, 9, 37, 53, 15, Source.PANELS);
    }

    @Test
    void onlyFrozen16BitMatricesGetPanels() {
        Tensor bf16 = Tensor.zeros(4, 8).to(DType.BF16, Arena.ofAuto());
        assertTrue(WeightPanels.eligible(Var.constant(bf16)));
        assertTrue(WeightPanels.eligible(Var.constant(Tensor.zeros(4, 8).to(DType.F16, Arena.ofAuto()))));
        assertFalse(WeightPanels.eligible(Var.param(bf16)), "trained weights change every step");
        assertFalse(WeightPanels.eligible(Var.constant(Tensor.zeros(4, 8))), "F32 stays as stored");
    }

    /** An F16 matrix holding an infinity gets no panels and keeps working from the stored matrix. */
    @Test
    void f16WithAnInfinityStaysWithTheStoredMatrix() {
        Tensor w = Tensor.zeros(20, 8).to(DType.F16, Arena.ofAuto());
        w.segment().set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, w.offset() * 2 + 2 * 5, (short) 0x7C00);
        Var weight = Var.constant(w);
        WeightPanels panels = new WeightPanels();
        float[] ones = new float[8];
        java.util.Arrays.fill(ones, 1f);
        Tensor y = Linear.apply(Var.constant(Tensor.of(ones, 1, 8)), weight, null, null, panels).value();
        assertEquals(0, panels.size(), "no copy of a matrix the f16 panel decode cannot hold");
        assertEquals(Float.POSITIVE_INFINITY, y.toFloatArray()[0]);
        assertEquals(0f, y.toFloatArray()[1]);
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
