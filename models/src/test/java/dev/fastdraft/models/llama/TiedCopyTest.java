package dev.fastdraft.models.llama;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.checkpoint.Checkpoint;
import dev.fastdraft.models.checkpoint.SafeTensorsWriter;
import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tied checkpoint that also stores the head: a copy trains as one matrix, a different head as two (as transformers 5 loads them). */
class TiedCopyTest {
    @TempDir
    Path dir;

    @Test
    void aStoredCopyOfTheEmbeddingIsOneParameter() throws Exception {
        ModelConfig c = ModelConfig.builder(Architecture.LLAMA).vocabSize(40).hiddenSize(16).intermediateSize(32).numLayers(1)
                .numHeads(2).numKvHeads(1).maxPositionEmbeddings(32).tieWordEmbeddings(true).eosTokenIds(0).build();
        LlamaLoader.save(LlamaLoader.initialize(c, 3, 0.2), dir, DType.F32);
        int tiedParams = LlamaLoader.trainable(dir).parameters().size();

        storeHead(dir, 1f);
        assertEquals(tiedParams, LlamaLoader.trainable(dir).parameters().size(), "the stored copy is not a second parameter");

        storeHead(dir, 2f);
        LlamaModel two = LlamaLoader.trainable(dir);
        assertEquals(tiedParams + 1, two.parameters().size(), "a different head is a matrix of its own");
        assertFalse(two.config().tieWordEmbeddings(), "and the config says so, for the export");
    }

    /** Rewrites the checkpoint with lm_head.weight = scale * the embedding. */
    private static void storeHead(Path dir, float scale) throws Exception {
        Map<String, Tensor> all = new LinkedHashMap<>();
        try (Checkpoint ck = Checkpoint.open(dir)) {
            for (String n : ck.names()) {
                if (n.equals(WeightNames.LM_HEAD)) continue;
                Tensor t = ck.tensor(n);
                all.put(n, Tensor.of(t.toFloatArray(), t.shape()));
            }
        }
        Tensor embed = all.get(WeightNames.EMBED);
        float[] head = embed.toFloatArray();
        for (int i = 0; i < head.length; i++) head[i] *= scale;
        all.put(WeightNames.LM_HEAD, Tensor.of(head, embed.shape()));
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), all);
    }
}
