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
        if (prompt.length + maxNewTokens > model.maxPositions()) {
            throw new IllegalArgumentException("generate: prompt of " + prompt.length + " tokens + " + maxNewTokens + " new tokens exceeds the model's context of " + model.maxPositions());
        }
        return generate(new PrefixCache(model, Math.max(1, prompt.length + maxNewTokens)), prompt, maxNewTokens, sampler, stop, onToken);
    }

    /**
     * Generation that continues from {@code context}: the prompt's tokens already in its cache (a conversation so
     * far) are not run again; {@code promptTokens} of the result counts the ones that were.
     */
    public static GenerationResult generate(PrefixCache context, int[] prompt, int maxNewTokens, Sampler sampler,
                                            IntPredicate stop, java.util.function.IntConsumer onToken) {
        if (prompt.length == 0) throw new IllegalArgumentException("generate: the prompt is empty; give at least one token (e.g. BOS)");
        if (maxNewTokens < 0) throw new IllegalArgumentException("generate: max new tokens must be >= 0, got " + maxNewTokens);
        if (prompt.length + maxNewTokens > context.capacity()) {
            throw new IllegalArgumentException("generate: prompt of " + prompt.length + " tokens + " + maxNewTokens + " new tokens exceeds the cache of " + context.capacity());
        }
        CausalLM model = context.model();
        KVCache cache = context.cache();
        int vocab = model.vocabSize();
        int reused = maxNewTokens == 0 ? 0 : context.reuse(prompt);
        int[] out = new int[maxNewTokens];
        int n = 0;
        String reason = "length";
        if (maxNewTokens > 0) model.prepareForDecoding();
        long t0 = System.nanoTime();
        float[] logits = maxNewTokens == 0 ? null : model.forward(Arrays.copyOfRange(prompt, reused, prompt.length), cache, 1);
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
        int[] ids = Arrays.copyOf(out, n);
        context.committed(prompt, ids);
        return new GenerationResult(ids, reason, prompt.length - reused, t1 - t0, t2 - t1);
    }
}
