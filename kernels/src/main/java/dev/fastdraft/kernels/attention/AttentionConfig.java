package dev.fastdraft.kernels.attention;

/**
 * Shape and masking of causal multi-head attention with grouped KV heads (GQA/MQA).
 *
 * @param nHeads    query heads
 * @param nKvHeads  key/value heads; query head h reads KV head h / (nHeads / nKvHeads)
 * @param headDim   floats per head
 * @param scale     score multiplier, usually 1/sqrt(headDim)
 * @param window    sliding window, 0 for none; when > 0 the query at position p sees keys j with
 *                  p - window < j <= p (Mistral's convention: the window includes the query itself)
 */
public record AttentionConfig(int nHeads, int nKvHeads, int headDim, float scale, int window) {
    public AttentionConfig {
        if (nHeads < 1 || nKvHeads < 1 || nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("attention: nHeads " + nHeads + " must be a positive multiple of nKvHeads " + nKvHeads);
        }
        if (headDim < 1) throw new IllegalArgumentException("attention: headDim must be >= 1, got " + headDim);
        if (window < 0) throw new IllegalArgumentException("attention: window must be >= 0 (0 = none), got " + window);
        if (!(scale > 0) || Float.isInfinite(scale)) throw new IllegalArgumentException("attention: scale must be positive and finite, got " + scale);
    }

    /** Full causal attention with scale 1/sqrt(headDim). */
    public static AttentionConfig of(int nHeads, int nKvHeads, int headDim) {
        return new AttentionConfig(nHeads, nKvHeads, headDim, (float) (1.0 / Math.sqrt(headDim)), 0);
    }

    public AttentionConfig withWindow(int w) {
        return new AttentionConfig(nHeads, nKvHeads, headDim, scale, w);
    }

    public AttentionConfig withScale(float s) {
        return new AttentionConfig(nHeads, nKvHeads, headDim, s, window);
    }

    /** Query heads per KV head. */
    public int groupSize() {
        return nHeads / nKvHeads;
    }

    /** First key the query at position p attends. */
    public long firstKey(long p) {
        return window > 0 ? Math.max(0, p - window + 1) : 0;
    }
}
