package dev.fastdraft.pipeline.draft;

import dev.fastdraft.models.config.ModelConfig;

/**
 * Parameter counts from a config alone, without weights: the shapes Hugging Face's model code builds for
 * the family, with a tied lm_head counted once (it is the embedding matrix).
 */
public final class ParameterCount {
    private ParameterCount() {}

    /** Every parameter the config implies. */
    public static long total(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long inter = c.intermediateSize();
        long attention = h * q + 2 * h * kv + q * h;
        if (c.attentionBias()) attention += q + 2 * kv;
        if (c.attentionOutputBias()) attention += h;
        long mlp = 3 * h * inter;
        if (c.mlpBias()) mlp += 2 * inter + h;
        long layer = attention + mlp + 2 * h; // two RMSNorm weights
        return embedding(c) + c.numLayers() * layer + h + (c.tieWordEmbeddings() ? 0 : embedding(c));
    }

    /** The token embedding matrix, vocab x hidden. */
    public static long embedding(ModelConfig c) {
        return (long) c.vocabSize() * c.hiddenSize();
    }
}
