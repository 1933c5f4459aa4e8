package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.attention.AttentionConfig;
import dev.fastdraft.kernels.ops.RopeTable;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every op a Llama decoder uses (float32 forward; eps and tolerances sized for it). */
class LayerOpsGradTest {
    private final Random rnd = new Random(3);

    private Var p(float scale, int... shape) {
        return Var.param(GradCheck.random(rnd, scale, shape));
    }

    @Test
    void linearWithBiasBothPaths() {
        // 3 rows take the skinny kernel, 20 rows the packed SGEMM
        for (int rows : new int[] {3, 20}) {
            GradCheck.check("linear rows " + rows, List.of(p(1f, rows, 7), p(1f, 5, 7), p(1f, 5)),
                    in -> Linear.apply(in.get(0), in.get(1), in.get(2)), 1e-2, 2e-3);
        }
    }

    @Test
    void rmsNorm() {
        GradCheck.check("rmsNorm", List.of(p(1f, 4, 9), p(1f, 9)), in -> Norms.rms(in.get(0), in.get(1), 1e-5f), 1e-3, 5e-3);
    }

    @Test
    void swiglu() {
        GradCheck.check("swiglu", List.of(p(1f, 3, 8), p(1f, 3, 8)), in -> Activations.swiglu(in.get(0), in.get(1)), 1e-2, 2e-3);
    }

    @Test
    void rotary() {
        int heads = 2, hd = 8;
        RopeTable table = RopeTable.fromInvFreq(RopeTable.defaultInvFreq(hd, 10000), 16, 1f);
        Rotary.Positions pos = new Rotary.Positions(2, 3, 0, table);
        GradCheck.check("rope", List.of(p(1f, 6, heads * hd)), in -> Rotary.apply(in.get(0), heads, hd, hd, pos), 1e-2, 2e-3);
    }

    @Test
    void causalGroupedAttention() {
        AttentionConfig cfg = AttentionConfig.of(4, 2, 4);
        int batch = 2, t = 5;
        GradCheck.check("attention", List.of(p(1f, batch * t, 16), p(1f, batch * t, 8), p(1f, batch * t, 8)),
                in -> Attention.causal(in.get(0), in.get(1), in.get(2), batch, t, cfg), 1e-2, 5e-3);
    }

    @Test
    void crossEntropyMatchesLogSoftmaxAndGradient() {
        float[] l = {1f, 2f, 0.5f, -1f, 0f, 3f};
        Var logits = Var.param(Tensor.of(l.clone(), 2, 3));
        Var loss;
        try (Tape tape = Tape.record()) {
            loss = CrossEntropy.mean(logits, new int[] {1, 2});
            tape.backward(loss);
        }
        double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(0.5)), lse1 = Math.log(Math.exp(-1) + Math.exp(0) + Math.exp(3));
        assertEquals(((lse0 - 2) + (lse1 - 3)) / 2, loss.value().get(0), 1e-6);
        float[] g = logits.grad().toFloatArray();
        assertEquals((Math.exp(2 - lse0) - 1) / 2, g[1], 1e-6);
        assertEquals(Math.exp(-1 - lse1) / 2, g[3], 1e-6);
        // ignored rows contribute nothing and do not count in the mean
        Var l2 = Var.constant(Tensor.of(l.clone(), 2, 3));
        assertEquals(lse0 - 2, CrossEntropy.mean(l2, new int[] {1, CrossEntropy.IGNORE}).value().get(0), 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.mean(Var.constant(Tensor.of(l.clone(), 2, 3)), new int[] {1, 3}));
        assertTrue(e.getMessage().contains("target 3 at row 1"), e.getMessage());
    }

    @Test
    void linearRefusesMismatchedShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Linear.apply(p(1f, 2, 3), p(1f, 4, 5), null));
        assertTrue(e.getMessage().startsWith("linear:"), e.getMessage());
    }
}
