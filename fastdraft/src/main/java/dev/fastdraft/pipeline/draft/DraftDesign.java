package dev.fastdraft.pipeline.draft;

import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.config.RopeScaling;
import dev.fastdraft.models.config.RopeType;

/**
 * Derives a draft model's config from its target's: the same family, vocabulary, special tokens, norms,
 * biases and positional encoding, at a much smaller width and depth.
 *
 * <p>Default sizes follow FastDraft's recipe of a draft with tens of millions of parameters for a
 * multi-billion target, spending the budget on width rather than depth: every layer is one more sequential
 * step per drafted token, while a wider layer is just a larger matrix product at the same latency on a
 * memory-bound CPU. For a large-vocabulary target (Llama 3: 128k ids) the embedding dominates anyway:
 * at hidden 512 it alone holds 66M parameters, so more layers would buy little.
 */
public final class DraftDesign {
    /** Widest default draft; beyond it the (tied) embedding of a 128k vocabulary passes 100M parameters. */
    public static final int MAX_DEFAULT_HIDDEN = 512;
    /** Attention head width of the defaults, as in every supported family's released models (64 or 128). */
    public static final int DEFAULT_HEAD_DIM = 64;
    /** SwiGLU width over hidden: near 8/3 (parameter parity with a 4x GELU MLP, Llama 1/2 use ~2.69). */
    public static final double INTERMEDIATE_RATIO = 2.75;

    private DraftDesign() {}

    /**
     * What to build; null fields take the defaults of this class.
     *
     * @param torchDtype the dtype the weights are stored in ("float32", "bfloat16"), written to config.json
     */
    public record Request(Integer layers, Integer hidden, Integer heads, Integer kvHeads, Integer intermediate,
                          boolean tiedEmbeddings, String torchDtype) {}

    /** The draft config for {@code target}. */
    public static ModelConfig derive(ModelConfig target, Request r) {
        int hidden = r.hidden() != null ? r.hidden() : defaultHidden(target);
        int layers = r.layers() != null ? r.layers() : defaultLayers(target);
        positive("--layers", layers);
        positive("--hidden", hidden);
        int heads = r.heads() != null ? r.heads() : defaultHeads(hidden);
        positive("--heads", heads);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not divisible by " + heads + " heads"
                    + (r.heads() == null ? " (the default, hidden/" + DEFAULT_HEAD_DIM + ")" : "") + "; give --heads dividing --hidden");
        }
        int headDim = hidden / heads;
        int rotary = (int) (headDim * target.partialRotaryFactor());
        if (rotary < 2 || rotary % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " (hidden " + hidden + " / " + heads + " heads) leaves a rotary dimension of "
                    + rotary + "; RoPE needs it even and at least 2: choose --heads so that hidden/heads is even");
        }
        int kvHeads = r.kvHeads() != null ? r.kvHeads() : defaultKvHeads(target, heads);
        positive("--kv-heads", kvHeads);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads are not divisible by " + kvHeads + " key/value heads; give --kv-heads dividing --heads");
        }
        int intermediate = r.intermediate() != null ? r.intermediate() : defaultIntermediate(hidden);
        positive("--intermediate", intermediate);

        return target.toBuilder()
                .numLayers(layers)
                .hiddenSize(hidden)
                .numHeads(heads)
                .numKvHeads(kvHeads)
                .headDim(headDim)
                .intermediateSize(intermediate)
                .ropeScaling(adaptRope(target.ropeScaling(), target.rotaryDim(), rotary))
                .tieWordEmbeddings(r.tiedEmbeddings())
                .torchDtype(r.torchDtype() != null ? r.torchDtype() : target.torchDtype())
                .build();
    }

    /** A quarter of the target's width in multiples of 64, between 64 and {@link #MAX_DEFAULT_HIDDEN}; never wider than the target. */
    public static int defaultHidden(ModelConfig target) {
        int quarter = target.hiddenSize() / 4 / 64 * 64;
        return Math.min(target.hiddenSize(), Math.max(64, Math.min(MAX_DEFAULT_HIDDEN, quarter)));
    }

    /** An eighth of the target's depth, rounded, between 2 and 4 (and at most the target's). */
    public static int defaultLayers(ModelConfig target) {
        int eighth = (int) Math.round(target.numLayers() / 8.0);
        return Math.min(target.numLayers(), Math.max(2, Math.min(4, eighth)));
    }

    /** hidden / 64 (at least 1). */
    public static int defaultHeads(int hidden) {
        return Math.max(1, hidden / DEFAULT_HEAD_DIM);
    }

    /**
     * The target's query heads per key/value head, kept as far as {@code heads} allows: the largest divisor
     * of {@code heads} not above the target's group size becomes the draft's group size.
     */
    public static int defaultKvHeads(ModelConfig target, int heads) {
        int group = Math.min(target.kvGroups(), heads);
        while (heads % group != 0) group--;
        return heads / group;
    }

    /** The multiple of 64 nearest to {@link #INTERMEDIATE_RATIO} x hidden (at least 64): 512 -> 1408, 768 -> 2112. */
    public static int defaultIntermediate(int hidden) {
        // capped at the int range: a huge --hidden is then refused by ModelSize, not wrapped to a negative width
        return (int) Math.min(Integer.MAX_VALUE, Math.max(64, Math.round(INTERMEDIATE_RATIO * hidden / 64) * 64));
    }

    /**
     * RoPE scaling for the draft's rotary width. Every rule but LongRoPE is defined per frequency (or per
     * wavelength) and carries over as is; LongRoPE lists one factor per frequency, so its lists are resampled:
     * the draft's frequency i has exponent 2i/d_draft, which is the target's frequency at the fractional index
     * i * d_target / d_draft, where the target's factors are interpolated linearly.
     */
    static RopeScaling adaptRope(RopeScaling r, int targetRotary, int draftRotary) {
        if (r.type() != RopeType.LONGROPE || targetRotary == draftRotary) return r;
        return new RopeScaling(r.type(), r.factor(), r.lowFreqFactor(), r.highFreqFactor(), r.originalMaxPositionEmbeddings(),
                resample(r.shortFactor(), draftRotary / 2), resample(r.longFactor(), draftRotary / 2),
                r.attentionFactor(), r.betaFast(), r.betaSlow(), r.mscale(), r.mscaleAllDim(), r.truncate());
    }

    static double[] resample(double[] perFrequency, int count) {
        double[] out = new double[count];
        int n = perFrequency.length;
        for (int i = 0; i < count; i++) {
            double x = (double) i * n / count;
            int lo = Math.min(n - 1, (int) Math.floor(x));
            int hi = Math.min(n - 1, lo + 1);
            double t = x - lo;
            out[i] = perFrequency[lo] * (1 - t) + perFrequency[hi] * t;
        }
        return out;
    }

    private static void positive(String option, int v) {
        if (v < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + v);
    }
}
