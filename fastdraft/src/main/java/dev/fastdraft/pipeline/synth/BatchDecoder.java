package dev.fastdraft.pipeline.synth;

import dev.fastdraft.models.generate.KVCache;
import dev.fastdraft.models.generate.Sampler;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.llama.LlamaModel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Generates many independent sequences, up to {@code batch} at once, with one forward pass per step for all
 * of them ({@link LlamaModel#forwardBatch}): the weights are read once per step instead of once per sequence,
 * which is what decoding on a CPU is bound by. A new sequence's prompt is prefilled in the same pass as the
 * others' next tokens. Sequences end on their own (stop token or length) and their slot takes the next
 * request at once. Each sequence has its own seeded {@link Sampler}, so its tokens do not depend on which
 * others share its batch (up to the float rounding of batched matrix products).
 */
public final class BatchDecoder {
    /** One sequence to generate; {@code topK} > 0 also records the model's top-k distribution per new token. */
    public record Request(int[] prompt, int maxNewTokens, SamplingConfig sampling, int topK, Object tag) {
        public Request {
            if (prompt.length == 0) throw new IllegalArgumentException("batch decode: a prompt is empty; give at least one token");
            if (maxNewTokens < 1) throw new IllegalArgumentException("batch decode: max new tokens must be >= 1, got " + maxNewTokens);
            if (topK < 0) throw new IllegalArgumentException("batch decode: top-k must be >= 0, got " + topK);
        }
    }

    /**
     * A finished sequence: the new ids (a stop token included), "stop" or "length", and with top-k the k ids
     * and probabilities of position i at [i*k, (i+1)*k).
     */
    public record Completion(Request request, int[] ids, String finishReason, int[] topIds, float[] topProbs) {}

    /** Work done by one {@link #run}: generated tokens, forward passes, wall time. */
    public record Stats(long tokens, long passes, long nanos) {
        public double tokensPerSecond() {
            return nanos == 0 ? 0 : tokens / (nanos / 1e9);
        }
    }

    private final LlamaModel model;
    private final int batch;
    private final IntPredicate stop;

    /** @param stop ends a sequence after the id it accepts (EOS); null: only the length limit */
    public BatchDecoder(LlamaModel model, int batch, IntPredicate stop) {
        if (batch < 1) throw new IllegalArgumentException("batch decode: batch must be >= 1, got " + batch);
        this.model = model;
        this.batch = batch;
        this.stop = stop;
    }

    private final class Slot {
        final Request request;
        final KVCache cache;
        final Sampler sampler;
        final int[] out;
        final int[] topIds;
        final float[] topProbs;
        int n;
        int[] pending;

        Slot(Request r) {
            int capacity = r.prompt().length + r.maxNewTokens();
            if (capacity > model.maxPositions()) {
                throw new IllegalArgumentException("batch decode: prompt of " + r.prompt().length + " tokens + " + r.maxNewTokens()
                        + " new tokens exceeds the model's context of " + model.maxPositions());
            }
            for (int id : r.prompt()) {
                if (id < 0 || id >= model.vocabSize()) throw new IllegalArgumentException("batch decode: prompt id " + id + " outside the vocabulary [0, " + model.vocabSize() + ")");
            }
            request = r;
            cache = model.newCache(capacity);
            sampler = new Sampler(r.sampling());
            out = new int[r.maxNewTokens()];
            topIds = r.topK() > 0 ? new int[r.maxNewTokens() * r.topK()] : null;
            topProbs = r.topK() > 0 ? new float[r.maxNewTokens() * r.topK()] : null;
            pending = r.prompt();
        }

        /** Takes the logits of the last fed position; returns the finish reason, or null to go on. */
        String accept(float[] logits) {
            int vocab = model.vocabSize();
            int k = request.topK();
            if (k > 0) TopK.of(logits, vocab, k, topIds, topProbs, n * k);
            int next = sampler.next(logits, 0, vocab);
            out[n++] = next;
            pending = new int[] {next};
            if (stop != null && stop.test(next)) return "stop";
            return n == out.length ? "length" : null;
        }

        Completion finish(String reason) {
            int k = request.topK();
            return new Completion(request, Arrays.copyOf(out, n), reason,
                    k > 0 ? Arrays.copyOf(topIds, n * k) : null, k > 0 ? Arrays.copyOf(topProbs, n * k) : null);
        }
    }

    /**
     * Generates every request, handing each completion to {@code sink} as it finishes (so not in request
     * order). An exception from the sink stops the run; sequences then in flight are dropped.
     */
    public Stats run(Iterator<Request> requests, Consumer<Completion> sink) {
        Slot[] slots = new Slot[batch];
        long tokens = 0, passes = 0, t0 = System.nanoTime();
        int[] live = new int[batch];
        while (true) {
            for (int i = 0; i < batch; i++) if (slots[i] == null && requests.hasNext()) slots[i] = new Slot(requests.next());
            int m = 0;
            for (int i = 0; i < batch; i++) if (slots[i] != null) live[m++] = i;
            if (m == 0) break;
            int[][] ids = new int[m][];
            KVCache[] caches = new KVCache[m];
            for (int j = 0; j < m; j++) {
                ids[j] = slots[live[j]].pending;
                caches[j] = slots[live[j]].cache;
            }
            float[][] logits = model.forwardBatch(ids, caches);
            passes++;
            for (int j = 0; j < m; j++) {
                Slot s = slots[live[j]];
                String reason = s.accept(logits[j]);
                tokens++;
                if (reason != null) {
                    slots[live[j]] = null;
                    sink.accept(s.finish(reason));
                }
            }
        }
        return new Stats(tokens, passes, System.nanoTime() - t0);
    }
}
