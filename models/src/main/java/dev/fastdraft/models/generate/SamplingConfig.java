package dev.fastdraft.models.generate;

/**
 * How the next token is chosen. Temperature 0 is greedy. Filters apply in Hugging Face's order:
 * temperature, top-k, top-p, min-p (0 / 1.0 / 0 disable them).
 */
public record SamplingConfig(double temperature, int topK, double topP, double minP, long seed) {
    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 disables it), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(minP >= 0 && minP < 1)) throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
    }

    public static SamplingConfig greedy() {
        return new SamplingConfig(0, 0, 1, 0, 0);
    }

    public static SamplingConfig of(double temperature, long seed) {
        return new SamplingConfig(temperature, 0, 1, 0, seed);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
