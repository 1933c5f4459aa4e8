package dev.fastdraft.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
    /**
     * Expected values printed by PyTorch 1.13 (torch.optim.AdamW, two parameter groups: weight decay 0.1 on
     * the matrix, 0 on the vector; lr 1e-2, betas (0.9, 0.95), eps 1e-8) for the same three gradient steps.
     */
    @Test
    void matchesTorchAdamWOverThreeSteps() {
        Var p2 = Var.param(Tensor.of(new float[] {0.5f, -1.25f, 2.0f, 0.125f, -0.75f, 3.0f}, 3, 2));
        Var p1 = Var.param(Tensor.of(new float[] {1.0f, -2.0f}, 2));
        AdamW opt = new AdamW(List.of(new Parameter("w", p2), new Parameter("b", p1)), new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1));
        for (int s = 0; s < 3; s++) {
            float[] g2 = {0.1f * (s + 1), -0.2f, 0.3f, 1e-4f, -2.0f, 0.5f * s};
            float[] g1 = {0.01f * (s + 1), -3.0f};
            p2.gradBuffer().copyFrom(Tensor.of(g2, 3, 2));
            p1.gradBuffer().copyFrom(Tensor.of(g1, 2));
            opt.update(1e-2);
        }
        float[] want2 = {0.4695061147212982f, -1.2162837982177734f, 1.9640361070632935f, 0.09465836733579636f, -0.7177823185920715f, 2.97554349899292f};
        float[] want1 = {0.9709751009941101f, -1.9700000286102295f};
        assertArrayEquals(want2, p2.value().toFloatArray(), 2e-7f);
        assertArrayEquals(want1, p1.value().toFloatArray(), 2e-7f);
        assertEquals(3, opt.step());
    }

    @Test
    void clipsLikeTorchClipGradNorm() {
        Var a = Var.param(Tensor.of(new float[] {3, 4}, 2));
        Var b = Var.param(Tensor.of(new float[] {12}, 1, 1));
        a.gradBuffer().copyFrom(Tensor.of(new float[] {3, 4}, 2));
        b.gradBuffer().copyFrom(Tensor.of(new float[] {12}, 1, 1));
        double norm = GradClip.clip(List.of(new Parameter("a", a), new Parameter("b", b)), 1.0);
        assertEquals(13.0, norm, 1e-9);
        // torch: [0.23076921701431274, 0.307692289352417], 0.923076868057251
        assertArrayEquals(new float[] {0.23076921701431274f, 0.307692289352417f}, a.grad().toFloatArray(), 1e-7f);
        assertEquals(0.923076868057251f, b.grad().get(0, 0), 1e-7f);
    }

    @Test
    void warmupCosineSchedule() {
        var s = new LrSchedule.WarmupCosine(1.0, 10, 110, 0.1);
        assertEquals(0.1, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(9), 1e-12);
        assertEquals(1.0, s.lr(10), 1e-12);
        assertEquals(0.55, s.lr(60), 1e-12);
        assertEquals(0.1, s.lr(110), 1e-12);
        assertEquals(0.1, s.lr(500), 1e-12);
    }
}
