package dev.fastdraft.models.generate;

import java.util.Arrays;

/**
 * A model's KV cache together with the token ids it holds, kept across generations: a conversation's next
 * prompt starts with everything said so far, so only the tokens after the longest common prefix are run again.
 */
public final class PrefixCache {
    private final CausalLM model;
    private final KVCache cache;
    private int[] tokens = new int[0];

    public PrefixCache(CausalLM model, int capacity) {
        if (capacity < 1 || capacity > model.maxPositions())
            throw new IllegalArgumentException("cache capacity " + capacity + " outside [1, " + model.maxPositions() + "] (the model's context)");
        this.model = model;
        this.cache = model.newCache(capacity);
    }

    public CausalLM model() {
        return model;
    }

    public KVCache cache() {
        return cache;
    }

    public int capacity() {
        return cache.capacity();
    }

    /**
     * Keeps the cached positions that {@code prompt} starts with, at most all but its last token (whose logits
     * the caller needs), drops the rest, and returns how many were kept.
     */
    public int reuse(int[] prompt) {
        int held = Math.min(cache.length(), tokens.length);
        int limit = Math.min(held, prompt.length - 1);
        int same = 0;
        while (same < limit && tokens[same] == prompt[same]) same++;
        cache.truncate(same);
        return same;
    }

    /** Records the sequence whose first {@code cache().length()} tokens the cache now holds. */
    public void committed(int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        tokens = all;
    }

    /** Forgets everything. */
    public void clear() {
        cache.truncate(0);
        tokens = new int[0];
    }
}
