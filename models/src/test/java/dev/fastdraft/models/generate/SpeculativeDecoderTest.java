package dev.fastdraft.models.generate;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpeculativeDecoderTest {
    /** A toy LM whose logits depend on the whole context through a hash; it checks the cache protocol. */
    static final class ToyLM implements CausalLM {
        final int vocab;
        final long salt;
        final float sharpness;
        int calls;
        /**
         * Passes of more rows than this break ties differently, as a model whose products switch kernels
         * (and rounding) with the row count does: every position ties tokens 0 and 1, and such a pass
         * makes 1 the larger.
         */
        int roundsAbove = Integer.MAX_VALUE;

        ToyLM(int vocab, long salt, float sharpness) {
            this.vocab = vocab;
            this.salt = salt;
            this.sharpness = sharpness;
        }

        final class Cache implements KVCache {
            final List<Integer> seen = new ArrayList<>();
            final int capacity;

            Cache(int capacity) {
                this.capacity = capacity;
            }

            public int length() {
                return seen.size();
            }

            public int capacity() {
                return capacity;
            }

            public void truncate(int length) {
                assertTrue(length >= 0 && length <= seen.size(), "truncate within the cache");
                while (seen.size() > length) seen.remove(seen.size() - 1);
            }
        }

        public int vocabSize() {
            return vocab;
        }

        public int maxPositions() {
            return 4096;
        }

        public KVCache newCache(int capacity) {
            return new Cache(capacity);
        }

        public long parameterCount() {
            return 1;
        }

        public float[] forward(int[] ids, KVCache cache, int rows) {
            calls++;
            Cache c = (Cache) cache;
            float[] out = new float[rows * vocab];
            for (int i = 0; i < ids.length; i++) {
                c.seen.add(ids[i]);
                assertTrue(c.seen.size() <= c.capacity, "cache overflow");
                int r = i - (ids.length - rows);
                if (r >= 0) logitsFor(c.seen, out, r * vocab);
                if (r >= 0 && roundsAbove < Integer.MAX_VALUE) {
                    out[r * vocab] = out[r * vocab + 1] = 100;
                    if (ids.length > roundsAbove) out[r * vocab + 1] += 1e-3f;
                }
            }
            return out;
        }

        void logitsFor(List<Integer> ctx, float[] out, int off) {
            long h = salt;
            for (int t : ctx) h = h * 1_000_003L + t + 17;
            java.util.SplittableRandom r = new java.util.SplittableRandom(h);
            for (int v = 0; v < vocab; v++) out[off + v] = (float) (r.nextGaussian() * sharpness);
        }

        /** The target's own distribution after temperature, for the chi-square test. */
        float[] distribution(List<Integer> ctx, SamplingConfig s) {
            float[] l = new float[vocab];
            logitsFor(ctx, l, 0);
            return new Sampler(s).probabilities(l, 0, vocab);
        }
    }

    @Test
    void greedyOutputEqualsTheTargetsOwnGreedyOutput() {
        ToyLM target = new ToyLM(40, 1, 3f);
        for (long draftSalt : new long[] {1, 2, 99}) { // identical draft, and two poor ones
            ToyLM draft = new ToyLM(40, draftSalt, 3f);
            for (int k : new int[] {1, 3, 8}) {
                int[] prompt = {3, 7, 11};
                GenerationResult plain = Generator.generate(target, prompt, 50, new Sampler(SamplingConfig.greedy()), null, null);
                SpeculativeResult spec = new SpeculativeDecoder(target, draft).generate(prompt, 50, SpeculativeDecoder.DraftLength.fixed(k),
                        SamplingConfig.greedy(), null, null);
                assertArrayEquals(plain.ids(), spec.ids(), "draft " + draftSalt + ", k " + k);
                if (draftSalt == 1) {
                    assertEquals(1.0, spec.acceptanceRate(), 1e-12, "a draft equal to the target is always accepted");
                    assertTrue(spec.blockEfficiency() > k, "k accepted + 1 bonus per call: " + spec.blockEfficiency());
                }
            }
        }
    }

    /**
     * The target prefills the prompt in one pass, as plain generation does, even where a pass of that many
     * rows computes the last position differently from a shorter one (F32 products of more than 16 rows
     * and 16-bit ones of 128 or more go to the SGEMM): prefilling all but the last token and taking that
     * one with the first proposals broke such near ties the other way.
     */
    @Test
    void aLongPromptIsPrefilledAsPlainGenerationPrefillsIt() {
        ToyLM target = new ToyLM(20, 1, 1f), draft = new ToyLM(20, 2, 1f);
        target.roundsAbove = 16;
        int[] prompt = new int[20];
        for (int i = 0; i < prompt.length; i++) prompt[i] = 2 + i % 7;
        GenerationResult plain = Generator.generate(target, prompt, 12, new Sampler(SamplingConfig.greedy()), null, null);
        assertEquals(1, plain.ids()[0], "the long prefill breaks the tie towards token 1");
        assertEquals(0, plain.ids()[1], "a one-token step breaks it towards token 0");
        for (int k : new int[] {1, 4, SpeculativeDecoder.DraftLength.MAX_TOKENS}) {
            SpeculativeResult spec = new SpeculativeDecoder(target, draft).generate(prompt, 12, SpeculativeDecoder.DraftLength.fixed(k),
                    SamplingConfig.greedy(), null, null);
            assertArrayEquals(plain.ids(), spec.ids(), "k " + k);
        }
    }

    @Test
    void draftLengthsStayWithinWhatAVerificationPassComputesLikeADecodeStep() {
        int max = SpeculativeDecoder.DraftLength.MAX_TOKENS;
        assertEquals(max, SpeculativeDecoder.DraftLength.fixed(max).k());
        assertThrows(IllegalArgumentException.class, () -> SpeculativeDecoder.DraftLength.fixed(max + 1));
        assertThrows(IllegalArgumentException.class, () -> new SpeculativeDecoder.DraftLength(4, true, max + 1));
        assertThrows(IllegalArgumentException.class, () -> new SpeculativeDecoder.DraftLength(4, false, 2), "max below k, not adaptive");
    }

    @Test
    void needsNoMoreCacheThanPlainGeneration() {
        ToyLM target = new ToyLM(30, 5, 3f), draft = new ToyLM(30, 5, 3f);
        int[] prompt = {1, 2, 3};
        GenerationResult plain = Generator.generate(new PrefixCache(target, 23), prompt, 20, new Sampler(SamplingConfig.greedy()), null, null);
        SpeculativeDecoder dec = new SpeculativeDecoder(target, draft);
        for (int k : new int[] {1, 4, 15}) {
            SpeculativeResult spec = dec.generate(new PrefixCache(target, 23), new PrefixCache(draft, 23), prompt, 20,
                    SpeculativeDecoder.DraftLength.fixed(k), SamplingConfig.greedy(), null, null);
            assertArrayEquals(plain.ids(), spec.ids(), "k " + k + " in a cache of prompt + new tokens");
        }
    }

    @Test
    void proposalsPastAStopAreNotCounted() {
        ToyLM target = new ToyLM(30, 5, 3f), same = new ToyLM(30, 5, 3f);
        int[] prompt = {1};
        GenerationResult plain = Generator.generate(target, prompt, 40, new Sampler(SamplingConfig.greedy()), null, null);
        int stopAt = plain.ids()[3];
        int first = 0;
        while (plain.ids()[first] != stopAt) first++;
        SpeculativeResult r = new SpeculativeDecoder(target, same).generate(prompt, 40, SpeculativeDecoder.DraftLength.fixed(8),
                SamplingConfig.greedy(), id -> id == stopAt, null);
        assertEquals(first + 1, r.ids().length);
        // the first token comes from the prefill; the others were proposals, every one accepted
        assertEquals(first, r.accepted(), "accepted proposals are the committed ones");
        assertEquals(r.accepted(), r.drafted(), "nothing drafted past the stop is counted");
    }

    @Test
    void adaptiveDraftLengthAndStopsAreHonoured() {
        ToyLM target = new ToyLM(30, 5, 3f), draft = new ToyLM(30, 6, 3f);
        int[] prompt = {1};
        GenerationResult plain = Generator.generate(target, prompt, 40, new Sampler(SamplingConfig.greedy()), null, null);
        SpeculativeResult spec = new SpeculativeDecoder(target, draft).generate(prompt, 40, new SpeculativeDecoder.DraftLength(2, true, 6),
                SamplingConfig.greedy(), null, null);
        assertArrayEquals(plain.ids(), spec.ids());
        int stopAt = plain.ids()[10];
        SpeculativeResult stopped = new SpeculativeDecoder(target, draft).generate(prompt, 40, SpeculativeDecoder.DraftLength.fixed(4),
                SamplingConfig.greedy(), id -> id == stopAt, null);
        int first = 0;
        while (plain.ids()[first] != stopAt) first++;
        assertArrayEquals(Arrays.copyOf(plain.ids(), first + 1), stopped.ids(), "ends right after the first stop token");
        assertEquals("stop", stopped.stopReason());
    }

    /**
     * Speculative sampling must reproduce the target's distribution whatever the draft: over many seeds,
     * the joint distribution of the first two generated tokens passes a chi-square test against the
     * target's exact probabilities.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0, 0.5})
    void samplingFollowsTheTargetDistributionExactly(double confidence) {
        int vocab = 6, trials = 30000;
        ToyLM target = new ToyLM(vocab, 11, 1.2f), draft = new ToyLM(vocab, 12, 1.2f);
        int[] prompt = {2, 4};
        int[][] counts = new int[vocab][vocab];
        SpeculativeDecoder dec = new SpeculativeDecoder(target, draft);
        for (int s = 0; s < trials; s++) {
            SamplingConfig cfg = new SamplingConfig(0.9, 0, 1, 0, s);
            // three tokens, so that the first round drafts two and a confidence threshold can end it after one
            int[] ids = dec.generate(prompt, 3, SpeculativeDecoder.DraftLength.fixed(3).withConfidence(confidence), cfg, null, null).ids();
            counts[ids[0]][ids[1]]++;
        }
        SamplingConfig cfg = new SamplingConfig(0.9, 0, 1, 0, 0);
        float[] p1 = target.distribution(List.of(2, 4), cfg);
        double chi2 = 0;
        int cells = 0;
        for (int a = 0; a < vocab; a++) {
            float[] p2 = target.distribution(List.of(2, 4, a), cfg);
            for (int b = 0; b < vocab; b++) {
                double expected = trials * p1[a] * p2[b];
                if (expected < 5) continue;
                chi2 += (counts[a][b] - expected) * (counts[a][b] - expected) / expected;
                cells++;
            }
        }
        // chi-square critical value at p = 0.001 for ~35 degrees of freedom is about 66
        assertTrue(cells > 10, "enough cells: " + cells);
        double critical = (cells - 1) + 3.1 * Math.sqrt(2.0 * (cells - 1)) + 5;
        assertTrue(chi2 < critical, "chi2 " + chi2 + " over " + cells + " cells, critical " + critical);
    }

    @Test
    void aConfidenceThresholdEndsRoundsEarlyAndKeepsTheOutput() {
        ToyLM target = new ToyLM(40, 1, 3f), poor = new ToyLM(40, 2, 3f), same = new ToyLM(40, 1, 3f);
        int[] prompt = {3, 7, 11};
        GenerationResult plain = Generator.generate(target, prompt, 60, new Sampler(SamplingConfig.greedy()), null, null);
        var fixed = SpeculativeDecoder.DraftLength.fixed(8);
        SpeculativeResult all = new SpeculativeDecoder(target, poor).generate(prompt, 60, fixed, SamplingConfig.greedy(), null, null);
        SpeculativeResult cut = new SpeculativeDecoder(target, poor).generate(prompt, 60, fixed.withConfidence(0.5), SamplingConfig.greedy(), null, null);
        assertArrayEquals(plain.ids(), all.ids());
        assertArrayEquals(plain.ids(), cut.ids(), "the threshold changes what is drafted, never the output");
        assertTrue((double) cut.drafted() / cut.targetCalls() < (double) all.drafted() / all.targetCalls(),
                "fewer tokens drafted per call: " + cut.drafted() + "/" + cut.targetCalls() + " against " + all.drafted() + "/" + all.targetCalls());
        assertTrue(cut.acceptanceRate() > all.acceptanceRate(), "doubtful proposals are the ones left out");
        // a threshold no token's probability reaches leaves one proposal per round
        SpeculativeResult one = new SpeculativeDecoder(target, same).generate(prompt, 60, fixed.withConfidence(0.999999), SamplingConfig.greedy(), null, null);
        assertArrayEquals(plain.ids(), one.ids());
        assertTrue(one.drafted() == one.targetCalls() || one.drafted() == one.targetCalls() - 1,
                "one token drafted per round (none in a last round with one token to go): " + one.drafted() + " in " + one.targetCalls());
    }

    @Test
    void draftLengthRefusesConfidencesOutsideZeroToOne() {
        for (double bad : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> SpeculativeDecoder.DraftLength.fixed(4).withConfidence(bad));
            assertTrue(e.getMessage().contains("confidence"), e.getMessage());
        }
    }

    @Test
    void refusesADraftWithAnotherVocabulary() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SpeculativeDecoder(new ToyLM(10, 1, 1f), new ToyLM(11, 1, 1f)));
        assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
    }
}
