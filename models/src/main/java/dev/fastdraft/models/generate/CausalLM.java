package dev.fastdraft.models.generate;

/**
 * What generation and speculative decoding need from a model: run new tokens over a KV cache and
 * return the logits of the last positions. Implementations are not thread-safe per cache.
 */
public interface CausalLM {
    int vocabSize();

    /** Longest sequence the cache may hold. */
    int maxPositions();

    KVCache newCache(int capacity);

    /**
     * Runs {@code ids} at positions [cache.length(), cache.length() + ids.length), appends their keys and
     * values to the cache, and returns the logits of the last {@code rows} positions, row-major [rows, vocab].
     */
    float[] forward(int[] ids, KVCache cache, int rows);

    /** Parameters counted once (tied embeddings once); the cost model of speculative decoding uses it. */
    long parameterCount();

    /**
     * Makes ahead of time what decoding would make on its first step (a model may re-lay its weights for
     * the products of few rows), so that timed generation measures generation. Repeated calls cost nothing.
     */
    default void prepareForDecoding() {}
}
