package dev.fastdraft.models.llama;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.generate.KVCache;
import org.junit.jupiter.api.Test;

/** Several sequences decoded in one pass give each the logits it gets alone. */
class BatchedDecodeTest {
    @Test
    void batchedSequencesMatchSeparateRuns() {
        ModelConfig c = ModelConfig.builder(Architecture.QWEN2).vocabSize(70).hiddenSize(32).intermediateSize(48).numLayers(2)
                .numHeads(4).numKvHeads(2).maxPositionEmbeddings(64).tieWordEmbeddings(false).eosTokenIds(0).build();
        LlamaModel m = LlamaLoader.initialize(c, 5, 0.2);
        int[][] prompts = {{1, 2, 3}, {4, 5, 6, 7, 8, 9}, {10}};
        KVCache[] batch = new KVCache[3], alone = new KVCache[3];
        for (int i = 0; i < 3; i++) {
            batch[i] = m.newCache(32);
            alone[i] = m.newCache(32);
        }
        float[][] got = m.forwardBatch(prompts, batch);
        for (int step = 0; step < 4; step++) {
            int[][] next = new int[3][];
            for (int i = 0; i < 3; i++) {
                float[] want = m.forward(step == 0 ? prompts[i] : new int[] {(step * 11 + i) % 70}, alone[i], 1);
                float max = 0;
                for (float w : want) max = Math.max(max, Math.abs(w));
                for (int j = 0; j < want.length; j++) assertEquals(want[j], got[i][j], 1e-5f * max, "seq " + i + " step " + step + " logit " + j);
                next[i] = new int[] {((step + 1) * 11 + i) % 70};
            }
            got = m.forwardBatch(next, batch);
        }
        assertEquals(prompts[1].length + 4, batch[1].length());
    }
}
