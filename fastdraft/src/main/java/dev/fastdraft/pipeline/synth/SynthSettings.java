package dev.fastdraft.pipeline.synth;

/**
 * How synth samples: the plan of temperatures and seeds per prompt, new tokens per sample, sequences decoded at
 * once, the nucleus filter of the sampled samples, how many top-k probabilities to keep per token (0: none) and
 * how many new records one run may write at most.
 */
public record SynthSettings(SamplePlan plan, int maxNewTokens, int batch, double topP, int storeTopK, long limit) {
    public SynthSettings {
        if (maxNewTokens < 1) throw new IllegalArgumentException("--max-new-tokens must be >= 1, got " + maxNewTokens);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        if (storeTopK < 0) throw new IllegalArgumentException("--store-topk must be >= 0, got " + storeTopK);
        if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
    }

    /** The paper's recipe: greedy plus T in {0.6, 0.8, 1.0}, one sample each. */
    public static SynthSettings defaults(int maxNewTokens, int batch) {
        double[] t = {0, 0.6, 0.8, 1.0};
        return new SynthSettings(SamplePlan.of(t, SamplePlan.defaultSamples(t), 1234), maxNewTokens, batch, 1.0, 0, Long.MAX_VALUE);
    }
}
