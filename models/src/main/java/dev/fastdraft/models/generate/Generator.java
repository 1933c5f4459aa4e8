package dev.fastdraft.models.generate;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Plain autoregressive generation: prefill the prompt in one batched pass, then one token per step
 * over the KV cache.
 */
public final class Generator {
    private Generator() {}

    /**
     * @param stop    called with each new id; returning true ends generation after that id (EOS, stop strings)
     * @param onToken called with each new id as it is produced (streaming); may be null
     */
    public static GenerationResult generate(CausalLM model, int[] prompt, int maxNewTokens, Sampler sampler,
                                            IntPredicate stop, java.util.function.IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt is empty; give at least one token (e.g. BOS)");
        if (maxNewTokens < 0) throw new IllegalArgumentException("generate: max new tokens must be >= 0, got " + maxNewTokens);
        int capacity = prompt.length + maxNewTokens;
        if (capacity > model.maxPositions()) {
            throw new IllegalArgumentException("generate: prompt of " + prompt.length + " tokens + " + maxNewTokens + " new tokens exceeds the model's context of " + model.maxPositions());
        }
        int vocab = model.vocabSize();
        KVCache cache = model.newCache(capacity);
        int[] out = new int[maxNewTokens];
        int n = 0;
        String reason = "length";
        long t0 = System.nanoTime();
        float[] logits = maxNewTokens == 0 ? null : model.forward(prompt, cache, 1);
        long t1 = System.nanoTime();
        while (n < maxNewTokens) {
            int next = sampler.next(logits, 0, vocab);
            out[n++] = next;
            if (onToken != null) onToken.accept(next);
            if (stop != null && stop.test(next)) {
                reason = "stop";
                break;
            }
            if (n == maxNewTokens) break;
            logits = model.forward(new int[] {next}, cache, 1);
        }
        long t2 = System.nanoTime();
        return new GenerationResult(Arrays.copyOf(out, n), reason, prompt.length, t1 - t0, t2 - t1);
    }
}
