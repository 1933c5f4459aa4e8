package dev.fastdraft.pipeline.draft;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.config.RopeScaling;
import dev.fastdraft.models.config.RopeType;
import dev.fastdraft.models.llama.LlamaLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DraftDesignTest {
    static ModelConfig llama31_8b() {
        return ModelConfig.builder(Architecture.LLAMA).vocabSize(128256).hiddenSize(4096).intermediateSize(14336).numLayers(32)
                .numHeads(32).numKvHeads(8).rmsNormEps(1e-5).ropeTheta(500000).ropeScaling(RopeScaling.llama3(8, 1, 4, 8192))
                .maxPositionEmbeddings(131072).bosTokenId(128000).eosTokenIds(128001, 128008, 128009).torchDtype("bfloat16").build();
    }

    static ModelConfig llama32_1b() {
        return llama31_8b().toBuilder().hiddenSize(2048).intermediateSize(8192).numLayers(16).numHeads(32).numKvHeads(8)
                .ropeScaling(RopeScaling.llama3(32, 1, 4, 8192)).tieWordEmbeddings(true).build();
    }

    static ModelConfig phi3Mini() {
        double[] s = new double[48], l = new double[48];
        for (int i = 0; i < 48; i++) {
            s[i] = 1 + 0.02 * i;
            l[i] = 1 + 0.5 * i;
        }
        return ModelConfig.builder(Architecture.PHI3).vocabSize(32064).hiddenSize(3072).intermediateSize(8192).numLayers(32)
                .numHeads(32).numKvHeads(32).ropeScaling(RopeScaling.longrope(s, l)).maxPositionEmbeddings(131072)
                .originalMaxPositionEmbeddings(4096).bosTokenId(1).eosTokenIds(32000).padTokenId(32000).build();
    }

    @Test
    void parameterCountsOfReleasedModelsFromTheirConfigs() {
        // the sizes Hugging Face reports for these checkpoints
        assertEquals(8_030_261_248L, ParameterCount.total(llama31_8b()));
        assertEquals(1_235_814_400L, ParameterCount.total(llama32_1b()));
        assertEquals(3_821_079_552L, ParameterCount.total(phi3Mini()));
        ModelConfig mistral = ModelConfig.builder(Architecture.MISTRAL).vocabSize(32000).hiddenSize(4096).intermediateSize(14336)
                .numLayers(32).numHeads(32).numKvHeads(8).maxPositionEmbeddings(32768).build();
        assertEquals(7_241_732_096L, ParameterCount.total(mistral));
        ModelConfig qwen05 = ModelConfig.builder(Architecture.QWEN2).vocabSize(151936).hiddenSize(896).intermediateSize(4864)
                .numLayers(24).numHeads(14).numKvHeads(2).maxPositionEmbeddings(32768).tieWordEmbeddings(true).build();
        assertEquals(494_032_768L, ParameterCount.total(qwen05));
    }

    @Test
    void parameterCountMatchesTheInitialisedModelForEveryFamily() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Architecture a : Architecture.values()) {
            for (int trial = 0; trial < 4; trial++) {
                int kv = 1 + rnd.nextInt(3), heads = kv * (1 + rnd.nextInt(3)), headDim = 2 * (1 + rnd.nextInt(4));
                var b = ModelConfig.builder(a).vocabSize(11 + rnd.nextInt(40)).hiddenSize(heads * headDim).intermediateSize(1 + rnd.nextInt(30))
                        .numLayers(1 + rnd.nextInt(3)).numHeads(heads).numKvHeads(kv).maxPositionEmbeddings(64)
                        .tieWordEmbeddings(rnd.nextBoolean());
                if (a == Architecture.PHI3) b.ropeScaling(RopeScaling.none());
                ModelConfig c = b.build();
                assertEquals(LlamaLoader.initialize(c, 1, 0.02).parameterCount(), ParameterCount.total(c), c.toString());
            }
        }
    }

    @Test
    void defaultsForAnEightBillionLlama() {
        ModelConfig t = llama31_8b();
        ModelConfig d = DraftDesign.derive(t, new DraftDesign.Request(null, null, null, null, null, true, "float32"));
        assertEquals(Architecture.LLAMA, d.architecture());
        assertEquals(4, d.numLayers());
        assertEquals(512, d.hiddenSize());
        assertEquals(8, d.numHeads());
        assertEquals(2, d.numKvHeads(), "the target's 4 query heads per key/value head are kept");
        assertEquals(64, d.headDim());
        assertEquals(1408, d.intermediateSize());
        assertTrue(d.tieWordEmbeddings());
        assertEquals(t.vocabSize(), d.vocabSize());
        assertEquals(t.bosTokenId(), d.bosTokenId());
        assertArrayEquals(t.eosTokenIds(), d.eosTokenIds());
        assertEquals(t.ropeTheta(), d.ropeTheta());
        assertEquals(t.ropeScaling(), d.ropeScaling(), "llama3 scaling is defined per wavelength: kept as is");
        assertEquals(t.maxPositionEmbeddings(), d.maxPositionEmbeddings());
        assertEquals(t.rmsNormEps(), d.rmsNormEps());
        assertEquals("float32", d.torchDtype());
        // tens of millions of parameters, two orders of magnitude below the target
        long p = ParameterCount.total(d);
        assertEquals(76_943_872L, p);
        assertEquals(104.4, (double) ParameterCount.total(t) / p, 0.1);
        // the config survives a config.json round trip
        assertEquals(d, ModelConfig.parse(d.toJson()));
    }

    @Test
    void defaultRules() {
        assertEquals(2, DraftDesign.defaultLayers(llama32_1b()));
        assertEquals(512, DraftDesign.defaultHidden(llama32_1b()));
        ModelConfig qwen05 = ModelConfig.builder(Architecture.QWEN2).vocabSize(151936).hiddenSize(896).intermediateSize(4864)
                .numLayers(24).numHeads(14).numKvHeads(2).maxPositionEmbeddings(32768).tieWordEmbeddings(true).build();
        assertEquals(192, DraftDesign.defaultHidden(qwen05));
        assertEquals(3, DraftDesign.defaultLayers(qwen05));
        assertEquals(1, DraftDesign.defaultKvHeads(qwen05, 3), "group 7 capped at the 3 heads there are");
        assertEquals(2, DraftDesign.defaultKvHeads(llama31_8b(), 6), "largest divisor of 6 not above the target's group of 4 is 3");
        assertEquals(1408, DraftDesign.defaultIntermediate(512));
        assertEquals(2112, DraftDesign.defaultIntermediate(768));
        assertEquals(64, DraftDesign.defaultIntermediate(16));
        for (int h = 64; h <= 4096; h += 64) {
            int inter = DraftDesign.defaultIntermediate(h);
            assertEquals(0, inter % 64);
            assertTrue(Math.abs(inter - 2.75 * h) <= 32, h + " -> " + inter);
        }
        ModelConfig toy = ModelConfig.builder(Architecture.LLAMA).vocabSize(50).hiddenSize(32).intermediateSize(64).numLayers(1)
                .numHeads(4).maxPositionEmbeddings(64).build();
        assertEquals(32, DraftDesign.defaultHidden(toy), "never wider than the target");
        assertEquals(1, DraftDesign.defaultLayers(toy), "never deeper than the target");
    }

    @Test
    void longropeFactorsAreResampledForTheDraftsHeadDim() {
        ModelConfig t = phi3Mini();
        ModelConfig d = DraftDesign.derive(t, new DraftDesign.Request(2, 512, 8, null, null, true, null));
        assertEquals(64, d.headDim());
        assertEquals(RopeType.LONGROPE, d.ropeScaling().type());
        double[] s = d.ropeScaling().shortFactor(), l = d.ropeScaling().longFactor();
        assertEquals(32, s.length);
        assertEquals(32, l.length);
        // frequency i of the draft (exponent 2i/64) is the target's fractional index 1.5 i (exponent 2(1.5 i)/96)
        for (int i = 0; i < 32; i++) {
            assertEquals(1 + 0.02 * 1.5 * i, s[i], 1e-12);
            assertEquals(1 + 0.5 * 1.5 * i, l[i], 1e-12);
        }
        assertEquals(t.originalMaxPositionEmbeddings(), d.originalMaxPositionEmbeddings());
        assertEquals(d, ModelConfig.parse(d.toJson()));
        assertArrayEquals(new double[] {1, 2, 3}, DraftDesign.resample(new double[] {1, 2, 3}, 3));
    }

    @Test
    void explicitTargetHeadDimIsNotInherited() {
        ModelConfig t = llama31_8b().toBuilder().headDim(128).hiddenSize(5120).numHeads(32).build(); // Mistral-Nemo-like: head_dim != hidden/heads
        ModelConfig d = DraftDesign.derive(t, new DraftDesign.Request(2, 384, 6, null, null, false, null));
        assertEquals(64, d.headDim());
        assertFalse(d.tieWordEmbeddings());
        assertEquals("bfloat16", d.torchDtype(), "no dtype asked: the target's");
    }

    @Test
    void badShapesAreExplained() {
        ModelConfig t = llama31_8b();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DraftDesign.derive(t, new DraftDesign.Request(2, 500, 8, null, null, true, null)));
        assertEquals("hidden size 500 is not divisible by 8 heads; give --heads dividing --hidden", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DraftDesign.derive(t, new DraftDesign.Request(2, 200, null, null, null, true, null)));
        assertTrue(e.getMessage().contains("(the default, hidden/64)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DraftDesign.derive(t, new DraftDesign.Request(2, 512, 8, 3, null, true, null)));
        assertEquals("8 heads are not divisible by 3 key/value heads; give --kv-heads dividing --heads", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DraftDesign.derive(t, new DraftDesign.Request(2, 63, 7, null, null, true, null)));
        assertTrue(e.getMessage().startsWith("head_dim 9 "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DraftDesign.derive(t, new DraftDesign.Request(0, 64, 1, null, null, true, null)));
        assertEquals("--layers must be at least 1, got 0", e.getMessage());
    }
}
