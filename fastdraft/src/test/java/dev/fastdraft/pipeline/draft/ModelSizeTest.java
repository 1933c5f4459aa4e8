package dev.fastdraft.pipeline.draft;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import org.junit.jupiter.api.Test;

/** Sizes are checked against one array and the heap before any weight is allocated. */
class ModelSizeTest {
    static ModelConfig config(Architecture family, int vocab, int hidden, int intermediate, int layers) {
        return ModelConfig.builder(family).vocabSize(vocab).hiddenSize(hidden).intermediateSize(intermediate).numLayers(layers)
                .numHeads(1).numKvHeads(1).maxPositionEmbeddings(64).tieWordEmbeddings(true).eosTokenIds(0).build();
    }

    @Test
    void aMatrixPastOneArrayIsNamed() {
        // 64 x 2e9 wrapped to a negative array size (NegativeArraySizeException)
        var e = assertThrows(IllegalArgumentException.class, () -> ModelSize.check(config(Architecture.LLAMA, 100, 64, 2_000_000_000, 1), 4, "the model", "fix it", Long.MAX_VALUE));
        assertEquals("the model is too large: its MLP matrix (intermediate_size x hidden_size) would hold 2,000,000,000 x 64 = 1.28e+11 values, "
                + "more than one Java array holds (2,147,483,639); fix it", e.getMessage());
        // Phi-3 fuses gate and up: twice the rows in one array
        int inter = (int) (ModelSize.MAX_ARRAY / 64 / 2 + 1);
        ModelSize.check(config(Architecture.LLAMA, 100, 64, inter, 1), 1, "the model", "fix it", Long.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> ModelSize.check(config(Architecture.PHI3, 100, 64, inter, 1), 1, "the model", "fix it", Long.MAX_VALUE));
    }

    @Test
    void trainingNeedsFourCopiesOfTheWeightsOnTheHeap() {
        ModelConfig c = config(Architecture.LLAMA, 100, 64, 128, 2);
        long bytes = ParameterCount.total(c) * 4L;
        ModelSize.check(c, 1, "the model", "fix it", bytes);
        ModelSize.check(c, 4, "the model", "fix it", 4 * bytes);
        var e = assertThrows(IllegalArgumentException.class, () -> ModelSize.check(c, 4, "the model", "fix it", 4 * bytes - 1));
        assertEquals("the model is too large: 88,640 parameters need about 1.4 MiB of Java heap (F32 weights, gradients and AdamW moments), "
                + "but this JVM may use at most 1.4 MiB; fix it, or give Java more heap (java -Xmx...)", e.getMessage());
    }
}
