package dev.fastdraft.models.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Speculative decoding (Leviathan et al. 2023; Chen et al. 2023): the draft proposes k tokens one by
 * one, the target scores all k+1 positions in ONE forward pass over its KV cache, and both caches are
 * rolled back past the first rejected token.
 *
 * <p>Greedy mode accepts a draft token when it equals the target's argmax, so the output is exactly the
 * target's greedy output. Sampling mode accepts token x with probability min(1, p(x)/q(x)) and on
 * rejection resamples from max(0, p - q) normalised, so the output follows the target's distribution p
 * exactly, whatever the draft's q. Both use the sampling config's temperature and filters for p and q.
 *
 * <p>The target prefills the whole prompt in one pass and picks the first token from it, exactly as
 * {@link Generator} does: the model's products choose their kernel by the number of rows (SGEMM for a long
 * prompt), so a prompt split differently would round differently and could break a near tie the other way.
 * Verification passes have at most {@link DraftLength#MAX_TOKENS} + 1 rows, which every weight type
 * multiplies with the same arithmetic per row as a one-token decode step.
 *
 * <p>Invariant between rounds: each cache holds every committed token except the last one, which is
 * fed first in the next round.
 *
 * <p>Thread-safety: one decoder may serve concurrent calls from several threads (a JVM service can hold a
 * single instance). The decoder keeps no per-call state: each {@link #generate} call makes its own KV caches,
 * sampler and random generator, and the models' weights are only read. The compute itself is serialised by
 * the shared {@link dev.fastdraft.kernels.WorkerPool}: parallel kernels of concurrent calls take turns on the
 * pool, so concurrent calls interleave rather than add throughput, and each call's output is exactly what it
 * would be alone. The callbacks ({@code stop}, {@code onToken}) run on the calling thread.
 */
public final class SpeculativeDecoder {
    private final CausalLM target;
    private final CausalLM draft;

    public SpeculativeDecoder(CausalLM target, CausalLM draft) {
        if (target.vocabSize() != draft.vocabSize()) {
            throw new IllegalArgumentException("speculative decoding: the draft's vocabulary (" + draft.vocabSize() + ") differs from the target's ("
                    + target.vocabSize() + "); a draft must share the target's tokenizer");
        }
        this.target = target;
        this.draft = draft;
    }

    /**
     * How many tokens to draft per round, whether to adapt that number, and the draft's confidence below
     * which a round stops drafting early: after each proposal but the last, if the draft gave the token it
     * chose a probability under {@code confidence}, the round goes to the target with what it has (as
     * transformers' {@code assistant_confidence_threshold}). Each proposal costs the target a row of its
     * verification pass, which is far from free on a CPU, so proposals the draft itself doubts are better
     * not made. 0 turns it off. The output never depends on it, only the speed.
     */
    public record DraftLength(int k, boolean adaptive, int maxK, double confidence) {
        /**
         * The most tokens one round may draft. A verification pass of more than 16 rows would multiply F32
         * weights with the SGEMM instead of the kernel of a decode step, whose sums round differently.
         */
        public static final int MAX_TOKENS = 15;

        public DraftLength {
            if (k < 1 || k > MAX_TOKENS) throw new IllegalArgumentException("draft tokens must be between 1 and " + MAX_TOKENS + ", got " + k);
            if (maxK < k || maxK > MAX_TOKENS) {
                throw new IllegalArgumentException("max draft tokens must be between the draft tokens (" + k + ") and " + MAX_TOKENS + ", got " + maxK);
            }
            if (!(confidence >= 0 && confidence < 1)) throw new IllegalArgumentException("draft confidence must be in [0, 1), got " + confidence);
        }

        public DraftLength(int k, boolean adaptive, int maxK) {
            this(k, adaptive, maxK, 0);
        }

        public static DraftLength fixed(int k) {
            return new DraftLength(k, false, k);
        }

        public DraftLength withConfidence(double threshold) {
            return new DraftLength(k, adaptive, maxK, threshold);
        }
    }

    public SpeculativeResult generate(int[] prompt, int maxNewTokens, DraftLength len, SamplingConfig sampling,
                                      IntPredicate stop, IntConsumer onToken) {
        int capacity = capacity(prompt, maxNewTokens);
        int limit = Math.min(target.maxPositions(), draft.maxPositions());
        if (capacity > limit) {
            throw new IllegalArgumentException("speculate: prompt of " + prompt.length + " + " + maxNewTokens
                    + " new tokens exceeds the context of " + limit + " (" + (draft.maxPositions() < target.maxPositions() ? "draft" : "target") + ")");
        }
        return generate(new PrefixCache(target, capacity), new PrefixCache(draft, capacity), prompt, maxNewTokens, len, sampling, stop, onToken);
    }

    /**
     * Cache positions a generation needs: as many as plain generation. A round drafts at most the tokens
     * still wanted less one, so neither cache ever holds more than the prompt and the new tokens but the last.
     */
    private static int capacity(int[] prompt, int maxNewTokens) {
        if (prompt.length == 0) throw new IllegalArgumentException("speculate: the prompt is empty; give at least one token");
        if (maxNewTokens < 1) throw new IllegalArgumentException("speculate: max new tokens must be >= 1, got " + maxNewTokens);
        return prompt.length + maxNewTokens;
    }

    /**
     * Speculative generation that continues from the two models' caches: what each already holds of the prompt
     * (a conversation so far) is not run again.
     */
    public SpeculativeResult generate(PrefixCache targetContext, PrefixCache draftContext, int[] prompt, int maxNewTokens, DraftLength len,
                                      SamplingConfig sampling, IntPredicate stop, IntConsumer onToken) {
        if (targetContext.model() != target || draftContext.model() != draft) throw new IllegalArgumentException("speculate: caches of other models");
        int capacity = capacity(prompt, maxNewTokens);
        if (capacity > Math.min(targetContext.capacity(), draftContext.capacity())) {
            throw new IllegalArgumentException("speculate: prompt of " + prompt.length + " + " + maxNewTokens
                    + " new tokens exceeds the cache of " + Math.min(targetContext.capacity(), draftContext.capacity()));
        }
        int vocab = target.vocabSize();
        KVCache tc = targetContext.cache(), dc = draftContext.cache();
        Sampler pick = new Sampler(sampling);
        SplittableRandom coin = new SplittableRandom(sampling.seed() ^ 0x5DEECE66DL);
        boolean greedy = sampling.isGreedy();

        int[] tokens = Arrays.copyOf(prompt, capacity);
        int n = prompt.length; // committed tokens; between rounds the caches hold n-1 of them
        target.prepareForDecoding();
        draft.prepareForDecoding();
        long t0 = System.nanoTime();
        int reused = targetContext.reuse(prompt), draftReused = draftContext.reuse(prompt);
        float[] prefill = target.forward(Arrays.copyOfRange(prompt, reused, n), tc, 1);
        if (draftReused < n - 1) draft.forward(Arrays.copyOfRange(prompt, draftReused, n - 1), dc, 1);
        long t1 = System.nanoTime();

        int k = len.k(), drafted = 0, accepted = 0, targetCalls = 0, draftCalls = 0, produced = 1;
        String reason = "length";
        tokens[n++] = greedy ? Sampler.argmax(prefill, 0, vocab) : drawFrom(pick.probabilities(prefill, 0, vocab), coin);
        if (onToken != null) onToken.accept(tokens[n - 1]);
        boolean stopped = stop != null && stop.test(tokens[n - 1]);
        if (stopped) reason = "stop";
        float[][] q = new float[len.maxK()][];
        int[] proposal = new int[len.maxK()];
        float[] softmax = greedy && len.confidence() > 0 ? new float[vocab] : null;
        outer:
        while (produced < maxNewTokens && !stopped) {
            int kk = Math.min(k, maxNewTokens - produced - 1); // the round's own target token is one more
            // 1. draft kk tokens, first catching the draft's cache up with the committed tokens
            for (int i = 0; i < kk; i++) {
                int[] feed = i == 0 ? Arrays.copyOfRange(tokens, dc.length(), n) : new int[] {proposal[i - 1]};
                float[] logits = draft.forward(feed, dc, 1);
                draftCalls++;
                float confidence;
                if (greedy) {
                    proposal[i] = Sampler.argmax(logits, 0, vocab);
                    confidence = softmax == null ? 1 : Sampler.softmaxAt(logits, 0, vocab, proposal[i], softmax);
                } else {
                    q[i] = pick.probabilities(logits, 0, vocab);
                    proposal[i] = drawFrom(q[i], coin);
                    confidence = q[i][proposal[i]];
                }
                if (confidence < len.confidence()) kk = i + 1; // the last proposal of this round
            }
            // 2. one target pass over the last committed token and the kk proposals
            int[] verify = new int[kk + 1];
            verify[0] = tokens[n - 1];
            System.arraycopy(proposal, 0, verify, 1, kk);
            float[] p = target.forward(verify, tc, kk + 1);
            targetCalls++;
            drafted += kk;
            // 3. accept a prefix, then add the target's own token (correction or bonus)
            int good = 0;
            int next = -1;
            for (int i = 0; i < kk; i++) {
                int x = proposal[i];
                if (greedy) {
                    int best = Sampler.argmax(p, i * vocab, vocab);
                    if (best == x) { good++; continue; }
                    next = best;
                } else {
                    float[] pi = pick.probabilities(p, i * vocab, vocab);
                    if (coin.nextDouble() * q[i][x] < pi[x]) { good++; continue; } // accept with min(1, p/q)
                    next = drawFrom(residual(pi, q[i]), coin);
                }
                break;
            }
            if (next < 0) {
                next = greedy ? Sampler.argmax(p, kk * vocab, vocab) : drawFrom(pick.probabilities(p, kk * vocab, vocab), coin);
            }
            // 4. commit, honouring stop conditions token by token; proposals past a stop count as neither
            //    drafted nor accepted, so that the rates describe the tokens produced
            for (int i = 0; i <= good; i++) {
                int id = i < good ? proposal[i] : next;
                if (i < good) accepted++;
                tokens[n++] = id;
                produced++;
                if (onToken != null) onToken.accept(id);
                if (stop != null && stop.test(id)) {
                    if (i < good) drafted -= kk - i - 1;
                    reason = "stop";
                    break outer;
                }
                if (produced >= maxNewTokens) break outer;
            }
            // 5. roll back: the target keeps the fed last token and the accepted proposals
            tc.truncate(n - 1);
            if (dc.length() > n - 1) dc.truncate(n - 1);
            if (len.adaptive()) k = good == kk ? Math.min(len.maxK(), k + 1) : Math.max(1, k - 1);
        }
        long t2 = System.nanoTime();
        // a round cut short by a stop keeps rejected proposals in the caches: keep only committed positions
        if (tc.length() > n - 1) tc.truncate(n - 1);
        if (dc.length() > n - 1) dc.truncate(n - 1);
        int[] out = Arrays.copyOfRange(tokens, prompt.length, n);
        targetContext.committed(prompt, out);
        draftContext.committed(prompt, out);
        return new SpeculativeResult(out, reason, prompt.length - reused, drafted, accepted, targetCalls, draftCalls, t1 - t0, t2 - t1);
    }

    /** max(0, p - q), normalised; falls back to p if the two coincide (then rejection cannot happen). */
    static float[] residual(float[] p, float[] q) {
        float[] r = new float[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            r[i] = Math.max(0f, p[i] - q[i]);
            sum += r[i];
        }
        if (sum <= 0) return p;
        for (int i = 0; i < r.length; i++) r[i] = (float) (r[i] / sum);
        return r;
    }

    static int drawFrom(float[] probs, SplittableRandom rnd) {
        double u = rnd.nextDouble(), acc = 0;
        int last = -1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] <= 0) continue;
            acc += probs[i];
            last = i;
            if (u < acc) return i;
        }
        return last;
    }
}
