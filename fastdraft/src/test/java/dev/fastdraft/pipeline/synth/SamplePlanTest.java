package dev.fastdraft.pipeline.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplePlanTest {
    @Test
    void greedyAtMostOnceThenSampledTemperaturesCycle() {
        SamplePlan p = SamplePlan.of(new double[] {0, 0.6, 0, 0.8}, 6, 1);
        assertArrayEquals(new double[] {0, 0.6, 0.8, 0.6, 0.8, 0.6}, p.temperatures());
        assertEquals(3, SamplePlan.defaultSamples(new double[] {0, 0.6, 0, 0.8}));
        assertArrayEquals(new double[] {0, 0.6}, SamplePlan.of(new double[] {0, 0.6, 0.8, 1.0}, 2, 1).temperatures());
        assertEquals(1, SamplePlan.of(new double[] {0, 0}, 5, 1).samplesPerPrompt(), "greedy only: one sample per prompt");
    }

    @Test
    void seedsAreDistinctAndRepeatable() {
        SamplePlan p = SamplePlan.of(new double[] {0.7}, 4, 42);
        Set<Long> seen = new HashSet<>();
        for (int prompt = 0; prompt < 50; prompt++) for (int s = 0; s < 4; s++) assertTrue(seen.add(p.seed(prompt, s)), "seed of " + prompt + "/" + s + " repeats");
        assertEquals(p.seed(3, 2), SamplePlan.of(new double[] {0.7}, 4, 42).seed(3, 2));
        assertNotEquals(p.seed(3, 2), SamplePlan.of(new double[] {0.7}, 4, 43).seed(3, 2));
    }

    @Test
    void badListsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SamplePlan.of(new double[0], 1, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> SamplePlan.of(new double[] {0.5, -1}, 2, 0));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplePlan.of(new double[] {0.5}, 0, 0));
    }
}
