package dev.fastdraft.models.generate;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.generate.SpeculativeDecoderTest.ToyLM;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A conversation continued from the caches gives what a fresh run over the whole text gives, and runs only the
 * new tokens. The toy model's logits hash its whole cache, so a stale or missing position changes the output.
 */
class PrefixCacheTest {
    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    static Sampler greedy() {
        return new Sampler(SamplingConfig.greedy());
    }

    @Test
    void generationContinuesFromTheCommonPrefix() {
        ToyLM model = new ToyLM(50, 3, 3f);
        PrefixCache context = new PrefixCache(model, 200);
        int[] first = {1, 2, 3, 4};
        GenerationResult a = Generator.generate(context, first, 8, greedy(), null, null);
        assertEquals(4, a.promptTokens());
        int[] second = concat(first, a.ids(), new int[] {9, 8, 7});
        GenerationResult b = Generator.generate(context, second, 8, greedy(), null, null);
        // the last generated id was never fed, so it is run with the new turn
        assertEquals(4, b.promptTokens(), "only the last reply token and the new turn");
        assertArrayEquals(Generator.generate(model, second, 8, greedy(), null, null).ids(), b.ids());
        // a prompt that leaves the conversation after two tokens keeps two
        int[] other = {1, 2, 40, 41, 42};
        GenerationResult c = Generator.generate(context, other, 5, greedy(), null, null);
        assertEquals(3, c.promptTokens());
        assertArrayEquals(Generator.generate(model, other, 5, greedy(), null, null).ids(), c.ids());
        // the same prompt again reruns only its last token, whose logits are needed
        assertEquals(1, Generator.generate(context, other, 5, greedy(), null, null).promptTokens());
        context.clear();
        assertEquals(other.length, Generator.generate(context, other, 5, greedy(), null, null).promptTokens());
    }

    @Test
    void speculativeTurnsMatchFreshRunsEvenAfterAStopMidRound() {
        ToyLM target = new ToyLM(30, 5, 3f), draft = new ToyLM(30, 6, 3f);
        SpeculativeDecoder dec = new SpeculativeDecoder(target, draft);
        var len = SpeculativeDecoder.DraftLength.fixed(4);
        PrefixCache tc = new PrefixCache(target, 300), dc = new PrefixCache(draft, 300);
        int[] prompt = {1, 2};
        int[] plain = Generator.generate(target, prompt, 40, greedy(), null, null).ids();
        int stopAt = plain[9];
        for (int turn = 0; turn < 4; turn++) {
            SpeculativeResult r = dec.generate(tc, dc, prompt, 40, len, SamplingConfig.greedy(), id -> id == stopAt, null);
            SpeculativeResult fresh = dec.generate(prompt, 40, len, SamplingConfig.greedy(), id -> id == stopAt, null);
            assertArrayEquals(fresh.ids(), r.ids(), "turn " + turn);
            assertArrayEquals(Generator.generate(target, prompt, r.ids().length, greedy(), id -> id == stopAt, null).ids(), r.ids(), "lossless");
            if (turn > 0) assertTrue(r.promptTokens() < prompt.length / 2, "turn " + turn + " reran " + r.promptTokens() + " of " + prompt.length);
            prompt = concat(prompt, r.ids(), new int[] {turn + 3, 20 - turn});
        }
    }
}
