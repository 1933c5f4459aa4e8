package dev.fastdraft.pipeline.synth;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.generate.GenerationResult;
import dev.fastdraft.models.generate.Generator;
import dev.fastdraft.models.generate.KVCache;
import dev.fastdraft.models.generate.Sampler;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.TinyModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Batched decoding against plain one-sequence generation. */
class BatchDecoderTest {
    static final LlamaModel MODEL = LlamaLoader.initialize(TinyModels.config(32, 2, 96), 11, 0.3);
    static final int[][] PROMPTS = {{1, 2, 3}, {40, 41, 42, 43, 44, 45, 46}, {7}, {100, 90, 80, 70}, {5, 5}};
    static final int[] MAX = {12, 5, 20, 9, 16};

    /** Greedy batches of 3 over 5 requests (slots refilled as sequences finish) give Generator's tokens. */
    @Test
    void batchedGreedyEqualsUnbatchedGenerate() {
        IntPredicate stop = id -> id == 17; // a frequent id of this model, so some sequences stop early
        Map<Integer, BatchDecoder.Completion> got = new HashMap<>();
        List<BatchDecoder.Request> reqs = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) reqs.add(new BatchDecoder.Request(PROMPTS[i], MAX[i], SamplingConfig.greedy(), 0, i));
        BatchDecoder.Stats stats = new BatchDecoder(MODEL, 3, stop).run(reqs.iterator(), c -> assertNull(got.put((Integer) c.request().tag(), c)));
        assertEquals(PROMPTS.length, got.size());
        int stopped = 0;
        long tokens = 0;
        for (int i = 0; i < PROMPTS.length; i++) {
            GenerationResult want = Generator.generate(MODEL, PROMPTS[i], MAX[i], new Sampler(SamplingConfig.greedy()), stop, null);
            BatchDecoder.Completion c = got.get(i);
            assertArrayEquals(want.ids(), c.ids(), "request " + i);
            assertEquals(want.ids().length < MAX[i] ? "stop" : "length", c.finishReason());
            if (c.finishReason().equals("stop")) stopped++;
            tokens += c.ids().length;
        }
        assertTrue(stopped >= 1, "the stop path is exercised");
        assertEquals(tokens, stats.tokens());
        assertTrue(stats.passes() < tokens, "several sequences share each pass: " + stats);
        System.out.println("batch decode: " + stopped + " of " + PROMPTS.length + " sequences stopped at the stop id, " + stats.passes() + " passes for " + tokens + " tokens");
    }

    /** With one slot the batched path is the same computation: sampled tokens match for the same seed. */
    @Test
    void sampledSequencesFollowTheirOwnSeed() {
        for (int i = 0; i < 3; i++) {
            SamplingConfig sc = new SamplingConfig(0.9, 0, 0.95, 0, 1000 + i);
            List<BatchDecoder.Completion> out = new ArrayList<>();
            new BatchDecoder(MODEL, 1, null).run(List.of(new BatchDecoder.Request(PROMPTS[i], 15, sc, 0, i)).iterator(), out::add);
            GenerationResult want = Generator.generate(MODEL, PROMPTS[i], 15, new Sampler(sc), null, null);
            assertArrayEquals(want.ids(), out.get(0).ids(), "seed " + sc.seed());
        }
    }

    /** Stored top-k: the model's own softmax at temperature 1, most likely first. */
    @Test
    void topKHoldsTheModelsDistribution() {
        int k = 5;
        List<BatchDecoder.Completion> out = new ArrayList<>();
        new BatchDecoder(MODEL, 2, null).run(List.of(new BatchDecoder.Request(PROMPTS[1], 4, SamplingConfig.of(0.7, 3), k, 0)).iterator(), out::add);
        BatchDecoder.Completion c = out.get(0);
        assertEquals(4 * k, c.topIds().length);
        // recompute position by position with the one-sequence forward pass
        KVCache cache = MODEL.newCache(32);
        float[] logits = MODEL.forward(PROMPTS[1], cache, 1);
        for (int pos = 0; pos < 4; pos++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits) max = Math.max(max, l);
            for (float l : logits) sum += Math.exp(l - max);
            int best = Sampler.argmax(logits, 0, logits.length);
            assertEquals(best, c.topIds()[pos * k], "top-1 is the argmax at position " + pos);
            for (int j = 0; j < k; j++) {
                double want = Math.exp(logits[c.topIds()[pos * k + j]] - max) / sum;
                // float32 logits through a softmax in double: agreement to 1e-5 relative is ample
                assertEquals(want, c.topProbs()[pos * k + j], 1e-5 * want, "p of rank " + j + " at position " + pos);
                if (j > 0) assertTrue(c.topProbs()[pos * k + j] <= c.topProbs()[pos * k + j - 1], "sorted");
            }
            logits = MODEL.forward(new int[] {c.ids()[pos]}, cache, 1);
        }
    }

    @Test
    void requestsThatCannotFitAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchDecoder(MODEL, 2, null).run(
                List.of(new BatchDecoder.Request(new int[90], 10, SamplingConfig.greedy(), 0, 0)).iterator(), c -> {}));
        assertTrue(e.getMessage().contains("context of 96"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchDecoder.Request(new int[0], 3, SamplingConfig.greedy(), 0, 0));
    }
}
