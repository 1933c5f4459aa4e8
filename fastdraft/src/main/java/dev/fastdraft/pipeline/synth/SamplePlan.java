package dev.fastdraft.pipeline.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which temperature and seed each sample of a prompt uses. Sample s takes the s-th listed temperature, then
 * the sampled (non-zero) ones cycle. Greedy decoding (temperature 0) is deterministic, so a second greedy
 * sample of a prompt would repeat the first: it is listed at most once, and a greedy-only list yields one
 * sample per prompt.
 */
public record SamplePlan(double[] temperatures, long seed) {
    public SamplePlan {
        temperatures = temperatures.clone();
        if (temperatures.length == 0) throw new IllegalArgumentException("synth: no temperatures given");
    }

    public static SamplePlan of(double[] listed, int samplesPerPrompt, long seed) {
        if (listed.length == 0) throw new IllegalArgumentException("--temperatures is empty; give e.g. 0,0.6,0.8,1.0");
        if (samplesPerPrompt < 1) throw new IllegalArgumentException("--samples-per-prompt must be >= 1, got " + samplesPerPrompt);
        List<Double> distinct = new ArrayList<>();
        List<Double> sampled = new ArrayList<>();
        boolean greedy = false;
        for (double t : listed) {
            if (!(t >= 0) || Double.isInfinite(t)) throw new IllegalArgumentException("--temperatures: " + t + " is not a temperature >= 0");
            if (t == 0) {
                if (greedy) continue;
                greedy = true;
            } else {
                sampled.add(t);
            }
            distinct.add(t);
        }
        int n = sampled.isEmpty() ? 1 : samplesPerPrompt;
        double[] out = new double[n];
        for (int s = 0; s < n; s++) out[s] = s < distinct.size() ? distinct.get(s) : sampled.get((s - distinct.size()) % sampled.size());
        return new SamplePlan(out, seed);
    }

    /** The default number of samples per prompt: one per listed temperature, greedy once. */
    public static int defaultSamples(double[] listed) {
        return (int) Arrays.stream(listed).filter(t -> t != 0).count() + (Arrays.stream(listed).anyMatch(t -> t == 0) ? 1 : 0);
    }

    public int samplesPerPrompt() {
        return temperatures.length;
    }

    public double temperature(int sample) {
        return temperatures[sample];
    }

    /** A seed of its own for every (prompt, sample), so a resumed run draws what an uninterrupted one would. */
    public long seed(int prompt, int sample) {
        long z = seed * 0x9E3779B97F4A7C15L + prompt * 0xC2B2AE3D27D4EB4FL + sample * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }

    @Override
    public double[] temperatures() {
        return temperatures.clone();
    }
}
