package dev.fastdraft.models.generate;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float[] LOGITS = {2f, 1f, 0f, -1f, 3f};

    @Test
    void greedyPicksTheLargest() {
        assertEquals(4, new Sampler(SamplingConfig.greedy()).next(LOGITS, 0, 5));
        assertEquals(1, Sampler.argmax(new float[] {9f, 0f, 5f}, 1, 2), "offset respected");
    }

    @Test
    void filtersFollowHuggingFaceSemantics() {
        float[] p = new Sampler(new SamplingConfig(1, 2, 1, 0, 1)).probabilities(LOGITS, 0, 5);
        assertEquals(0f, p[1]);
        assertEquals(Math.exp(3) / (Math.exp(3) + Math.exp(2)), p[4], 1e-6);
        // softmax of LOGITS: 3 -> .6364, 2 -> .2341, 1 -> .0861, ...; top-p 0.7 keeps {3, 2}
        float[] q = new Sampler(new SamplingConfig(1, 0, 0.7, 0, 1)).probabilities(LOGITS, 0, 5);
        assertTrue(q[4] > 0 && q[0] > 0 && q[1] == 0 && q[2] == 0, java.util.Arrays.toString(q));
        // min-p 0.2 keeps tokens with p >= 0.2 * 0.6364 = 0.127: {3, 2}
        float[] m = new Sampler(new SamplingConfig(1, 0, 1, 0.2, 1)).probabilities(LOGITS, 0, 5);
        assertTrue(m[1] == 0 && m[0] > 0, java.util.Arrays.toString(m));
        double sum = 0;
        for (float v : m) sum += v;
        assertEquals(1.0, sum, 1e-6);
    }

    @Test
    void samplingIsSeededAndFollowsTheDistribution() {
        Sampler a = new Sampler(SamplingConfig.of(1.0, 42)), b = new Sampler(SamplingConfig.of(1.0, 42));
        int[] counts = new int[5];
        for (int i = 0; i < 20000; i++) {
            int x = a.next(LOGITS, 0, 5);
            assertEquals(x, b.next(LOGITS, 0, 5), "same seed, same draws");
            counts[x]++;
        }
        float[] p = new Sampler(SamplingConfig.of(1.0, 0)).probabilities(LOGITS, 0, 5);
        for (int i = 0; i < 5; i++) assertEquals(p[i], counts[i] / 20000.0, 0.015, "token " + i);
    }
}
