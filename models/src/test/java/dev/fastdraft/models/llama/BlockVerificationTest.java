package dev.fastdraft.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.generate.KVCache;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Verifying a block of draft tokens in one pass gives every position the logits that one-token decode
 * steps give it, bit for bit. Greedy speculative decoding relies on it: otherwise a near tie could break
 * differently and the output would not be the target's own. BF16 and F16 weights go through the panel
 * kernels (every row count a verification pass can have), F32 through the row-major one. Also: which matrices get a
 * panel copy, and when.
 */
class BlockVerificationTest {
    private static final ModelConfig CONFIG = ModelConfig.builder(Architecture.LLAMA).vocabSize(100).hiddenSize(64).intermediateSize(96)
            .numLayers(2).numHeads(4).numKvHeads(2).maxPositionEmbeddings(64).tieWordEmbeddings(true).eosTokenIds(0).build();

    @ParameterizedTest
    @EnumSource(DType.class)
    void aBlockOfTokensGetsTheLogitsOfOneTokenSteps(DType dtype) {
        LlamaModel m = LlamaLoader.randomInference(CONFIG, dtype, 3, 0.2);
        int[] prompt = {1, 2, 3, 4, 5, 6, 7};
        for (int width = 1; width <= SpeculativeDecoder.DraftLength.MAX_TOKENS + 1; width++) {
            KVCache blockCache = m.newCache(64), stepCache = m.newCache(64);
            m.forward(prompt, blockCache, 1);
            m.forward(prompt, stepCache, 1);
            int[] block = new int[width];
            for (int i = 0; i < width; i++) block[i] = (17 * i + width) % 100;
            float[] all = m.forward(block, blockCache, width);
            for (int i = 0; i < width; i++) {
                float[] one = m.forward(new int[] {block[i]}, stepCache, 1);
                for (int v = 0; v < one.length; v++) {
                    assertEquals(Float.floatToRawIntBits(one[v]), Float.floatToRawIntBits(all[i * one.length + v]),
                            dtype + ": block of " + width + ", position " + i + ", logit " + v + ": " + all[i * one.length + v] + " against " + one[v]);
                }
            }
        }
        // 16-bit weights: the first decode step made a copy of the 7 matrices of each layer and of the tied head
        assertEquals(dtype == DType.F32 ? 0 : 2 * 7 + 1, m.panelCopies());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void preparingForDecodingCopiesEvery16BitMatrixOnce(DType dtype) {
        LlamaModel m = LlamaLoader.randomInference(CONFIG, dtype, 4, 0.2);
        assertEquals(0, m.panelCopies());
        m.prepareForDecoding();
        m.prepareForDecoding();
        assertEquals(dtype == DType.F32 ? 0 : 2 * 7 + 1, m.panelCopies());
    }
}
