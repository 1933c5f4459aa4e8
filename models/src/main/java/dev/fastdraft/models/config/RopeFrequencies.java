package dev.fastdraft.models.config;

/**
 * RoPE inverse frequencies ({@code rotaryDim / 2} of them) and the factor Hugging Face multiplies cos and
 * sin by ({@code attention_scaling}: 1 except for longrope and yarn).
 *
 * <p>The arithmetic mirrors transformers' {@code modeling_rope_utils} step by step in float32, as PyTorch
 * evaluates it: Python scalars are rounded to float32 where they meet a float32 tensor, {@code x / tensor}
 * is {@code tensor.reciprocal() * x}, and no operations are fused. Every step here is a correctly rounded
 * float32 operation, so results are bit-identical to PyTorch except where PyTorch's own {@code pow} is not
 * correctly rounded: its vectorised CPU pow (SLEEF, at most 1 ulp) can differ from ours by one ulp in
 * the occasional entry.
 */
public record RopeFrequencies(float[] invFreq, float attentionScaling) {

    /** {@code seqLen == 0} means "at initialisation", when transformers passes no sequence length. */
    static RopeFrequencies compute(ModelConfig c, long seqLen) {
        RopeScaling r = c.ropeScaling();
        int dim = c.rotaryDim();
        return switch (r.type()) {
            case DEFAULT -> new RopeFrequencies(base(c.ropeTheta(), dim), 1f);
            case LINEAR -> {
                float[] inv = base(c.ropeTheta(), dim);
                float factor = (float) (double) r.factor();
                for (int i = 0; i < inv.length; i++) inv[i] = inv[i] / factor;
                yield new RopeFrequencies(inv, 1f);
            }
            case DYNAMIC -> new RopeFrequencies(dynamic(c, r, dim, seqLen), 1f);
            case LLAMA3 -> new RopeFrequencies(llama3(c, r, dim), 1f);
            case LONGROPE -> longrope(c, r, dim, seqLen);
            case YARN -> yarn(c, r, dim);
        };
    }

    /** {@code base ** (arange(0, dim, 2).float() / dim)} with base rounded to float32. */
    private static float[] powers(float base, int dim) {
        float[] p = new float[dim / 2];
        for (int i = 0; i < p.length; i++) p[i] = powf(base, (float) (2 * i) / (float) dim);
        return p;
    }

    /** {@code 1.0 / (base ** (arange(0, dim, 2).float() / dim))}. */
    private static float[] base(double theta, int dim) {
        float[] p = powers((float) theta, dim);
        for (int i = 0; i < p.length; i++) p[i] = 1f / p[i];
        return p;
    }

    /** Correctly rounded float32 pow: the double result has far less than half a float ulp of error. */
    static float powf(float b, float e) {
        return (float) StrictMath.pow(b, e);
    }

    /**
     * Dynamic NTK: the base grows once the sequence outgrows max_position_embeddings. transformers recomputes
     * this in the forward pass whenever the longest sequence seen so far grows past the cached length (and
     * resets when a short sequence follows); callers pass that length. At init the expression is pure Python
     * (double) and reduces to the plain base; past it, seq_len is a tensor and the same expression runs in float32.
     */
    private static float[] dynamic(ModelConfig c, RopeScaling r, int dim, long seqLen) {
        double factor = r.factor();
        int max = c.maxPositionEmbeddings();
        float base;
        if (seqLen <= max) {
            double b = c.ropeTheta() * Math.pow((factor * max / max) - (factor - 1), (double) dim / (dim - 2));
            base = (float) b;
        } else {
            float s = (float) factor * (float) seqLen;
            s = s / (float) max;
            s = s - (float) (factor - 1);
            // a 0-dim float32 tensor ** a Python float: PyTorch evaluates pow in double, then rounds
            s = (float) StrictMath.pow(s, (double) dim / (dim - 2));
            base = (float) c.ropeTheta() * s;
        }
        float[] p = powers(base, dim);
        for (int i = 0; i < p.length; i++) p[i] = 1f / p[i];
        return p;
    }

    /** Llama 3.1: long wavelengths divided by factor, short ones kept, a smooth blend in between. */
    private static float[] llama3(ModelConfig c, RopeScaling r, int dim) {
        float[] inv = base(c.ropeTheta(), dim);
        double factorD = r.factor();
        double low = r.lowFreqFactor();
        double high = r.highFreqFactor();
        int oldContext = r.originalMaxPositionEmbeddings();
        float lowFreqWavelen = (float) (oldContext / low);
        float highFreqWavelen = (float) (oldContext / high);
        float factor = (float) factorD;
        float twoPi = (float) (2 * Math.PI);
        float smoothDenominator = (float) (high - low);
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            float wavelen = (1f / inv[i]) * twoPi;
            float scaled = wavelen > lowFreqWavelen ? inv[i] / factor : inv[i];
            float smooth = ((1f / wavelen) * (float) oldContext - (float) low) / smoothDenominator;
            float smoothed = (1f - smooth) * scaled / factor + smooth * scaled;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            out[i] = medium ? smoothed : scaled;
        }
        return out;
    }

    /**
     * LongRoPE (Phi-3): per-dimension divisors, short ones up to the original context and long ones beyond.
     * With a top-level original_max_position_embeddings (Phi-3 always has one) the attention factor comes from
     * max_position_embeddings / original_max_position_embeddings rather than rope_scaling.factor.
     */
    private static RopeFrequencies longrope(ModelConfig c, RopeScaling r, int dim, long seqLen) {
        double factor;
        int originalMax;
        if (c.originalMaxPositionEmbeddings() != null) {
            originalMax = c.originalMaxPositionEmbeddings();
            factor = (double) c.maxPositionEmbeddings() / originalMax;
        } else {
            originalMax = c.maxPositionEmbeddings();
            factor = r.factor() == null ? 1.0 : r.factor();
        }
        double attention;
        if (r.attentionFactor() != null) attention = r.attentionFactor();
        else if (factor <= 1.0) attention = 1.0;
        else attention = Math.sqrt(1 + Math.log(factor) / Math.log(originalMax));

        double[] ext = seqLen > originalMax ? r.longFactor() : r.shortFactor();
        float[] p = powers((float) c.ropeTheta(), dim);
        float[] inv = new float[p.length];
        for (int i = 0; i < inv.length; i++) inv[i] = 1f / ((float) ext[i] * p[i]);
        return new RopeFrequencies(inv, (float) attention);
    }

    /**
     * YaRN: interpolated (divided by factor) frequencies for low-frequency dimensions, extrapolated (unchanged)
     * ones for high-frequency dimensions, and a linear ramp between the correction bounds beta_fast/beta_slow.
     * An explicit rope_scaling.factor is used as given; transformers 4.50 to 4.55 instead replaced it by
     * max_position_embeddings / original_max_position_embeddings whenever the latter was present.
     */
    private static RopeFrequencies yarn(ModelConfig c, RopeScaling r, int dim) {
        double factor = r.factor();
        int originalMax = r.originalMaxPositionEmbeddings() != null ? r.originalMaxPositionEmbeddings() : c.maxPositionEmbeddings();
        double attention;
        if (r.attentionFactor() != null) attention = r.attentionFactor();
        else if (r.mscale() != null && r.mscale() != 0 && r.mscaleAllDim() != null && r.mscaleAllDim() != 0) {
            attention = yarnMscale(factor, r.mscale()) / yarnMscale(factor, r.mscaleAllDim());
        } else attention = yarnMscale(factor, 1);

        double betaFast = r.betaFast() == null || r.betaFast() == 0 ? 32 : r.betaFast();
        double betaSlow = r.betaSlow() == null || r.betaSlow() == 0 ? 1 : r.betaSlow();
        double theta = c.ropeTheta();
        double low = correctionDim(betaFast, dim, theta, originalMax);
        double high = correctionDim(betaSlow, dim, theta, originalMax);
        if (r.truncate() == null || r.truncate()) {
            low = Math.floor(low);
            high = Math.ceil(high);
        }
        low = Math.max(low, 0);
        high = Math.min(high, dim - 1);
        if (low == high) high += 0.001; // as transformers does, to avoid dividing by zero

        float[] p = powers((float) theta, dim);
        float factorF = (float) factor;
        float lowF = (float) low;
        float span = (float) (high - low);
        float[] inv = new float[p.length];
        for (int i = 0; i < inv.length; i++) {
            float extrapolation = 1f / p[i];
            float interpolation = 1f / (factorF * p[i]);
            float ramp = Math.clamp(((float) i - lowF) / span, 0f, 1f);
            float extrapolationFactor = 1f - ramp;
            inv[i] = interpolation * (1f - extrapolationFactor) + extrapolation * extrapolationFactor;
        }
        return new RopeFrequencies(inv, (float) attention);
    }

    private static double yarnMscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }

    private static double correctionDim(double rotations, int dim, double base, int maxPositions) {
        return (dim * Math.log(maxPositions / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
    }
}
