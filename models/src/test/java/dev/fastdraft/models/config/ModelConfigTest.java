package dev.fastdraft.models.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    @TempDir Path dir;

    @Test
    void llama32_1b() {
        ModelConfig c = Configs.load("llama-3.2-1b");
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(128256, c.vocabSize());
        assertEquals(2048, c.hiddenSize());
        assertEquals(8192, c.intermediateSize());
        assertEquals(16, c.numLayers());
        assertEquals(32, c.numHeads());
        assertEquals(8, c.numKvHeads());
        assertEquals(4, c.kvGroups());
        assertEquals(64, c.headDim());
        assertEquals(64, c.rotaryDim());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(131072, c.maxPositionEmbeddings());
        assertNull(c.originalMaxPositionEmbeddings());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(128000, c.bosTokenId());
        assertArrayEquals(new int[] {128001}, c.eosTokenIds());
        assertFalse(c.attentionBias());
        assertFalse(c.mlpBias());
        assertNull(c.slidingWindow());
        assertEquals("bfloat16", c.torchDtype());
        assertEquals(RopeScaling.llama3(32.0, 1.0, 4.0, 8192), c.ropeScaling());
    }

    @Test
    void mistral7b() {
        ModelConfig c = Configs.load("mistral-7b-v0.1");
        assertEquals(Architecture.MISTRAL, c.architecture());
        assertEquals(32000, c.vocabSize());
        assertEquals(14336, c.intermediateSize());
        assertEquals(8, c.numKvHeads());
        assertEquals(128, c.headDim(), "hidden_size / num_attention_heads when head_dim is absent");
        assertEquals(4096, c.slidingWindow());
        assertEquals(4096, c.slidingWindow(0));
        assertEquals(RopeScaling.none(), c.ropeScaling());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(1, c.bosTokenId());
        assertArrayEquals(new int[] {2}, c.eosTokenIds());
        // absent, num_key_value_heads is 8 (MistralConfig's default); null means one per attention head
        String json = Configs.text("mistral-7b-v0.1").replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": null");
        assertEquals(32, ConfigJson.parse(json, "config.json").numKvHeads());
    }

    @Test
    void qwen25_05b() {
        ModelConfig c = Configs.load("qwen2.5-0.5b");
        assertEquals(Architecture.QWEN2, c.architecture());
        assertEquals(896, c.hiddenSize());
        assertEquals(14, c.numHeads());
        assertEquals(2, c.numKvHeads());
        assertEquals(64, c.headDim());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(1e6, c.ropeTheta());
        assertTrue(c.attentionBias(), "qwen2 has q/k/v biases");
        assertFalse(c.attentionOutputBias(), "but no o_proj bias");
        assertNull(c.slidingWindow(), "use_sliding_window is false");
        assertNull(c.slidingWindow(23));
        assertEquals(24, c.maxWindowLayers());
        assertTrue(c.tieWordEmbeddings());
    }

    @Test
    void qwen2SlidingWindowAppliesFromMaxWindowLayers() {
        String json = Configs.text("qwen2.5-0.5b").replace("\"use_sliding_window\": false", "\"use_sliding_window\": true")
                .replace("\"max_window_layers\": 24", "\"max_window_layers\": 20").replace("\"sliding_window\": 32768", "\"sliding_window\": 4096");
        ModelConfig c = ModelConfig.parse(json);
        assertEquals(4096, c.slidingWindow());
        assertNull(c.slidingWindow(19), "layers below max_window_layers attend fully");
        assertEquals(4096, c.slidingWindow(20));
        assertThrows(IndexOutOfBoundsException.class, () -> c.slidingWindow(24));
    }

    @Test
    void phi3Mini4kAnd128k() {
        ModelConfig small = Configs.load("phi-3-mini-4k-instruct");
        assertEquals(Architecture.PHI3, small.architecture());
        assertEquals(32064, small.vocabSize());
        assertEquals(96, small.headDim());
        assertEquals(32, small.numKvHeads());
        assertEquals(4096, small.originalMaxPositionEmbeddings());
        assertEquals(2047, small.slidingWindow());
        assertEquals(RopeScaling.none(), small.ropeScaling());
        assertArrayEquals(new int[] {32000}, small.eosTokenIds());
        assertEquals(32000, small.padTokenId());

        ModelConfig big = Configs.load("phi-3-mini-128k-instruct");
        assertEquals(131072, big.maxPositionEmbeddings());
        assertEquals(4096, big.originalMaxPositionEmbeddings());
        assertEquals(RopeType.LONGROPE, big.ropeScaling().type(), "legacy type 'su' is longrope");
        assertEquals(48, big.ropeScaling().shortFactor().length);
        assertEquals(1.05, big.ropeScaling().shortFactor()[0]);
        assertEquals(64.81001281738281, big.ropeScaling().longFactor()[47]);
    }

    @Test
    void eosMayBeAListAndHeadDimIsHonoured() {
        String json = Configs.text("llama-3.2-1b").replace("\"eos_token_id\": 128001", "\"eos_token_id\": [128001, 128008, 128009]")
                .replace("\"head_dim\": 64", "\"head_dim\": 80");
        ModelConfig c = ModelConfig.parse(json);
        assertArrayEquals(new int[] {128001, 128008, 128009}, c.eosTokenIds());
        assertEquals(80, c.headDim(), "head_dim need not be hidden_size / num_attention_heads");
    }

    @Test
    void clearErrors() {
        String llama = Configs.text("llama-3.2-1b");
        assertError("config.json: architecture 'GPT2LMHeadModel' is not supported; supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Phi3ForCausalLM",
                llama.replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        assertError("config.json: missing required field 'hidden_size'", llama.replace("\"hidden_size\"", "\"d_model\""));
        assertError("config.json: missing required field 'max_position_embeddings'", llama.replace("\"max_position_embeddings\"", "\"n_positions\""));
        assertError("config.json: hidden_act 'gelu' is not supported; FastDraft implements SiLU-gated MLPs (hidden_act 'silu')",
                llama.replace("\"silu\"", "\"gelu\""));
        assertError("config.json: rope_scaling type 'ntk-by-parts' is not supported; supported: default, linear, dynamic, llama3, longrope, yarn",
                llama.replace("\"llama3\"", "\"ntk-by-parts\""));
        assertError("config.json: rope_scaling (llama3): missing required field 'low_freq_factor'",
                llama.replace("\"low_freq_factor\": 1.0,", ""));
        assertError("config.json: num_attention_heads 32 is not a multiple of num_key_value_heads 5",
                llama.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5"));
        assertError("config.json: field 'hidden_size' must be an integer, got number 2048.5", llama.replace("2048", "2048.5"));
        assertError("config.json: field 'vocab_size' must be an integer, got '128256'", llama.replace("128256", "\"128256\""));
        assertError("config.json: model_type 'mistral' does not match architecture 'LlamaForCausalLM' (expected 'llama')",
                llama.replace("\"model_type\": \"llama\"", "\"model_type\": \"mistral\""));
        assertError("config.json: hidden_size 2048 is not divisible by num_attention_heads 30 and head_dim is not given",
                llama.replace("\"head_dim\": 64,", "").replace("\"num_attention_heads\": 32", "\"num_attention_heads\": 30").replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 6"));
        assertError("config.json: eos_token_id 200000 is outside the vocabulary of 128256", llama.replace("128001", "200000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse("{\"architectures\": [")).getMessage().startsWith("config.json: malformed JSON"));

        String phi = Configs.text("phi-3-mini-128k-instruct");
        assertError("config.json: rope_scaling.short_factor has 47 entries, expected rotary_dim/2 = 48",
                phi.replaceFirst("\"short_factor\": \\[\\s*1.05,", "\"short_factor\": ["));
        assertError("config.json: rope_scaling type 'linear' is not supported for phi3 (transformers accepts only longrope)",
                phi.replace("\"type\": \"su\"", "\"type\": \"linear\", \"factor\": 2.0"));
        assertError("config.json: mistral has no attention biases",
                Configs.text("mistral-7b-v0.1").replace("\"bos_token_id\": 1,", "\"bos_token_id\": 1, \"attention_bias\": true,"));
    }

    /** transformers 5 moves rope_theta, the scaling and partial_rotary_factor into "rope_parameters". */
    @Test
    void transformers5RopeParameters() {
        Map<String, Object> v4 = Json.parseObject(Configs.text("llama-3.2-1b"));
        Map<String, Object> v5 = new LinkedHashMap<>(v4);
        Map<String, Object> rope = new LinkedHashMap<>(Json.parseObject(Json.write(v4.get("rope_scaling"))));
        rope.put("rope_theta", v5.remove("rope_theta"));
        v5.remove("rope_scaling");
        v5.put("rope_parameters", rope);
        v5.put("layer_types", Collections.nCopies(16, "full_attention"));
        assertEquals(ModelConfig.parse(Json.write(v4)), ModelConfig.parse(Json.write(v5)));

        rope.clear();
        rope.put("rope_theta", 1e6);
        rope.put("partial_rotary_factor", 0.5);
        ModelConfig plain = ModelConfig.parse(Json.write(v5));
        assertEquals(RopeScaling.none(), plain.ropeScaling(), "no rope_type in rope_parameters means the default");
        assertEquals(1e6, plain.ropeTheta());
        assertEquals(32, plain.rotaryDim());

        rope.put("rope_type", "ntk-by-parts");
        assertError("config.json: rope_parameters type 'ntk-by-parts' is not supported; supported: default, linear, dynamic, llama3, longrope, yarn", Json.write(v5));
        rope.put("rope_type", "llama3");
        assertError("config.json: rope_parameters (llama3): missing required field 'factor'", Json.write(v5));
        v5.put("rope_parameters", 5);
        assertError("config.json: field 'rope_parameters' must be an object or null, got number", Json.write(v5));
        v5.put("rope_parameters", Map.of("rope_theta", 1e6));
        v5.put("layer_types", Collections.nCopies(16, "sliding_attention"));
        assertEquals(1e6, ModelConfig.parse(Json.write(v5)).ropeTheta(), "Llama has no layer_types: ignored, as in transformers");

        // a non-empty rope_scaling replaces rope_parameters (transformers 5 does the same)
        v5.put("rope_scaling", v4.get("rope_scaling"));
        v5.put("rope_theta", 5e5);
        ModelConfig both = ModelConfig.parse(Json.write(v5));
        assertEquals(RopeScaling.llama3(32.0, 1.0, 4.0, 8192), both.ropeScaling());
        assertEquals(5e5, both.ropeTheta());

        v5.put("dtype", "float32");
        assertEquals("float32", ModelConfig.parse(Json.write(v5)).torchDtype(), "dtype wins over torch_dtype");
    }

    /** transformers 5's per-layer attention list, for the families that have one (Qwen2; Mistral loads as Ministral with it). */
    @Test
    void layerTypesMustAgreeWhereTheyMatter() {
        Map<String, Object> mistral = Json.parseObject(Configs.text("mistral-7b-v0.1"));
        mistral.put("layer_types", Collections.nCopies(32, "sliding_attention"));
        assertEquals(4096, ModelConfig.parse(Json.write(mistral)).slidingWindow(31));
        List<String> mixed = new ArrayList<>(Collections.nCopies(32, "sliding_attention"));
        mixed.set(3, "full_attention");
        mistral.put("layer_types", mixed);
        assertError("config.json: layer_types[3] is 'full_attention' but sliding_window, use_sliding_window and max_window_layers give 'sliding_attention'; other per-layer attention patterns are not supported", Json.write(mistral));
        mistral.put("layer_types", "full_attention");
        assertError("config.json: field 'layer_types' must list one attention kind per layer (32), got string", Json.write(mistral));

        // Qwen2 without use_sliding_window attends fully on every layer, whatever the list says
        Map<String, Object> qwen = Json.parseObject(Configs.text("qwen2.5-0.5b"));
        qwen.put("layer_types", Collections.nCopies(24, "sliding_attention"));
        assertNull(ModelConfig.parse(Json.write(qwen)).slidingWindow(23));
    }

    private static void assertError(String expected, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void loadNamesTheFileInErrors() throws IOException {
        Files.writeString(dir.resolve("config.json"), Configs.text("llama-3.2-1b").replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("config.json") + ": architecture 'GPT2LMHeadModel'"), e.getMessage());
    }

    @Test
    void architecturesMustBeAListOfNames() {
        String llama = Configs.text("llama-3.2-1b");
        String list = llama.substring(llama.indexOf("\"architectures\""), llama.indexOf("]", llama.indexOf("\"architectures\"")) + 1);
        assertError("config.json: field 'architectures' must be a list of class names such as [\"LlamaForCausalLM\"], got 5",
                llama.replace(list, "\"architectures\": 5"));
        assertError("config.json: field 'architectures' must be a list of class names such as [\"LlamaForCausalLM\"], got [\"LlamaForCausalLM\",3]",
                llama.replace(list, "\"architectures\": [\"LlamaForCausalLM\", 3]"));
        assertEquals(Architecture.LLAMA, ModelConfig.parse(llama.replace(list, "\"architectures\": null")).architecture(), "null: model_type decides");
    }

    @Test
    void loadNamesTheFileAndLineOfBadUtf8() throws IOException {
        byte[] text = Configs.text("llama-3.2-1b").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int secondLine = new String(text, java.nio.charset.StandardCharsets.UTF_8).indexOf('\n') + 1;
        text[secondLine + 1] = (byte) 0xFF;
        Path f = Files.write(dir.resolve("config.json"), text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.load(dir));
        assertEquals(f + " is not valid UTF-8 (line 2); save it as UTF-8 text", e.getMessage());
    }

    @Test
    void toJsonRoundTripsEveryFamily() throws IOException {
        for (String name : List.of("llama-3.2-1b", "mistral-7b-v0.1", "qwen2.5-0.5b", "phi-3-mini-4k-instruct", "phi-3-mini-128k-instruct")) {
            ModelConfig c = Configs.load(name);
            String json = c.toJson();
            assertEquals(c, ModelConfig.parse(json, name), name + " survives toJson -> parse");
            Path f = dir.resolve(name + ".json");
            c.write(f);
            assertEquals(c, ModelConfig.load(f));
        }
    }

    @Test
    void toJsonHasWhatTransformersReadsForEachFamily() {
        Map<String, Object> llama = Json.parseObject(Configs.load("llama-3.2-1b").toJson());
        assertEquals(List.of("LlamaForCausalLM"), llama.get("architectures"));
        assertEquals("llama", llama.get("model_type"));
        assertEquals(8L, llama.get("num_key_value_heads"));
        assertEquals(64L, llama.get("head_dim"));
        assertEquals(1e-5, llama.get("rms_norm_eps"));
        assertEquals(false, llama.get("attention_bias"));
        assertEquals(false, llama.get("mlp_bias"));
        assertEquals(128001L, llama.get("eos_token_id"), "a single eos id stays an int");
        assertEquals(Map.of("rope_type", "llama3", "factor", 32.0, "low_freq_factor", 1.0, "high_freq_factor", 4.0,
                "original_max_position_embeddings", 8192L), llama.get("rope_scaling"));
        assertEquals(List.copyOf(new java.util.TreeSet<>(llama.keySet())), List.copyOf(llama.keySet()), "keys sorted, as transformers writes them");

        Map<String, Object> qwen = Json.parseObject(Configs.load("qwen2.5-0.5b").toJson());
        assertEquals(false, qwen.get("use_sliding_window"));
        assertEquals(24L, qwen.get("max_window_layers"));
        assertFalse(qwen.containsKey("attention_bias"), "qwen2's biases are fixed by the architecture");

        Map<String, Object> phi = Json.parseObject(Configs.load("phi-3-mini-128k-instruct").toJson());
        Map<?, ?> rope = (Map<?, ?>) phi.get("rope_scaling");
        assertEquals(java.util.Set.of("type", "short_factor", "long_factor"), rope.keySet(), "Phi3Config accepts exactly these three keys");
        assertEquals("longrope", rope.get("type"));
        assertEquals(4096L, phi.get("original_max_position_embeddings"));

        Map<String, Object> mistral = Json.parseObject(Configs.load("mistral-7b-v0.1").toJson());
        assertEquals(4096L, mistral.get("sliding_window"));
        assertNull(Json.parseObject(ModelConfig.builder(Architecture.MISTRAL).vocabSize(10).hiddenSize(8).intermediateSize(16)
                .numLayers(1).numHeads(2).maxPositionEmbeddings(64).build().toJson()).get("sliding_window"),
                "no window is written as an explicit null, not left to MistralConfig's default of 4096");
    }

    @Test
    void derivesADraftOfTheSameFamily() {
        ModelConfig target = Configs.load("llama-3.2-1b");
        ModelConfig draft = target.toBuilder().numLayers(2).hiddenSize(512).intermediateSize(1408).numHeads(8).numKvHeads(2).build();
        assertEquals(Architecture.LLAMA, draft.architecture());
        assertEquals(64, draft.headDim(), "head_dim follows hidden/heads (it equalled that in the target)");
        assertEquals(target.vocabSize(), draft.vocabSize());
        assertEquals(target.ropeScaling(), draft.ropeScaling());
        assertArrayEquals(target.eosTokenIds(), draft.eosTokenIds());
        assertEquals(draft, ModelConfig.parse(draft.toJson()));

        ModelConfig odd = target.toBuilder().hiddenSize(600).numHeads(10).numKvHeads(5).build();
        assertEquals(60, odd.headDim());
        ModelConfig explicit = target.toBuilder().headDim(128).build();
        assertEquals(128, explicit.headDim());
        assertEquals(128, explicit.toBuilder().hiddenSize(1024).build().headDim(), "an explicit head_dim is kept");

        ModelConfig qwen = ModelConfig.builder(Architecture.QWEN2).vocabSize(1000).hiddenSize(128).intermediateSize(256)
                .numLayers(2).numHeads(4).numKvHeads(2).maxPositionEmbeddings(2048).ropeTheta(1e6).tieWordEmbeddings(true).build();
        assertTrue(qwen.attentionBias());
        assertEquals(1e-6, qwen.rmsNormEps());
        assertEquals(qwen, ModelConfig.parse(qwen.toJson()));

        ModelConfig phi = ModelConfig.builder(Architecture.PHI3).vocabSize(1000).hiddenSize(128).intermediateSize(256)
                .numLayers(2).numHeads(4).maxPositionEmbeddings(4096).build();
        assertEquals(4096, phi.originalMaxPositionEmbeddings(), "Phi3Config's default");
        assertEquals(phi, ModelConfig.parse(phi.toJson()));
        assertTrue(phi.toJson().contains("\"pad_token_id\": null"), "explicit, or Phi3Config would use 32000 >= vocab 1000");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> target.toBuilder().numKvHeads(3).build());
        assertEquals("ModelConfig: num_attention_heads 32 is not a multiple of num_key_value_heads 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder(Architecture.MISTRAL).vocabSize(10).hiddenSize(8)
                .intermediateSize(16).numLayers(1).numHeads(2).maxPositionEmbeddings(64).mlpBias(true).build());
        assertThrows(IllegalArgumentException.class, () -> Configs.load("phi-3-mini-128k-instruct").toBuilder().hiddenSize(1024).build(),
                "longrope factor lists must match the new rotary dim");
    }
}
