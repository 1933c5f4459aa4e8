package dev.fastdraft.models.config;

import dev.fastdraft.models.io.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading and writing config.json, with transformers' per-family defaults for absent fields. */
final class ConfigJson {
    private ConfigJson() {}

    static ModelConfig parse(String json, String source) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        JsonFields f = new JsonFields(source, "", root);
        Architecture arch = architecture(f);

        int numHeads = f.requireInt("num_attention_heads");
        int hidden = f.requireInt("hidden_size");
        if (numHeads <= 0) throw f.error("num_attention_heads must be positive, got " + numHeads);
        Integer headDim = f.optInteger("head_dim");
        if (headDim == null) {
            if (hidden % numHeads != 0) throw f.error("hidden_size " + hidden + " is not divisible by num_attention_heads " + numHeads + " and head_dim is not given");
            headDim = hidden / numHeads;
        }
        // transformers' config classes default num_key_value_heads differently when the key is absent;
        // written as null, it means as many as the attention heads in every family
        int kvDefault = switch (arch) {
            case MISTRAL -> 8;
            case QWEN2 -> 32;
            default -> numHeads;
        };
        if (f.present("num_key_value_heads")) kvDefault = numHeads;
        String act = f.optString("hidden_act");
        if (act == null || act.equals("swish")) act = "silu"; // transformers maps "swish" to SiLU as well

        // transformers 5 writes rope_theta, the scaling and partial_rotary_factor into one "rope_parameters"
        // object; earlier versions wrote top-level rope_theta and partial_rotary_factor and "rope_scaling".
        // As in transformers 5, a non-empty rope_scaling replaces rope_parameters, and a value inside the
        // block wins over the top-level one.
        JsonFields scaling = object(f, "rope_scaling");
        JsonFields block = scaling != null && !scaling.isEmpty() ? scaling : object(f, "rope_parameters");
        RopeScaling rope = block == null ? RopeScaling.none() : RopeScaling.parse(block, arch);
        double ropeTheta = block != null && block.has("rope_theta") ? block.optDouble("rope_theta", 0)
                : f.optDouble("rope_theta", 10000.0);
        double partialRotary = block != null && block.has("partial_rotary_factor")
                ? block.optDouble("partial_rotary_factor", 1.0) : f.optDouble("partial_rotary_factor", 1.0);

        boolean qkvBias = false, outBias = false, mlpBias = false;
        Integer window = null;
        int maxWindowLayers = 0;
        switch (arch) {
            case LLAMA -> {
                qkvBias = outBias = f.optBool("attention_bias", false);
                mlpBias = f.optBool("mlp_bias", false);
            }
            case MISTRAL -> {
                qkvBias = outBias = f.optBool("attention_bias", false);
                window = f.present("sliding_window") ? f.optInteger("sliding_window") : Integer.valueOf(4096);
            }
            case QWEN2 -> {
                qkvBias = true;
                maxWindowLayers = f.optInt("max_window_layers", 28);
                if (f.optBool("use_sliding_window", false)) {
                    window = f.present("sliding_window") ? f.optInteger("sliding_window") : Integer.valueOf(4096);
                }
            }
            case PHI3 -> {
                qkvBias = outBias = f.optBool("attention_bias", false);
                window = f.optInteger("sliding_window");
            }
        }
        String dtype = f.optString("dtype"); // transformers 5's name, which wins over torch_dtype there too
        if (dtype == null) dtype = f.optString("torch_dtype");

        ModelConfig config;
        try {
            config = new ModelConfig(arch,
                    f.requireInt("vocab_size"),
                    hidden,
                    f.requireInt("intermediate_size"),
                    f.requireInt("num_hidden_layers"),
                    numHeads,
                    f.optInt("num_key_value_heads", kvDefault),
                    headDim,
                    f.optDouble("rms_norm_eps", arch == Architecture.PHI3 ? 1e-5 : 1e-6),
                    ropeTheta,
                    rope,
                    partialRotary,
                    f.requireInt("max_position_embeddings"),
                    f.has("original_max_position_embeddings") ? f.optInteger("original_max_position_embeddings")
                            : arch == Architecture.PHI3 ? Integer.valueOf(4096) : null,
                    f.optBool("tie_word_embeddings", false),
                    f.optInteger("bos_token_id"),
                    f.intOrList("eos_token_id"),
                    f.optInteger("pad_token_id"),
                    qkvBias, outBias, mlpBias, window, maxWindowLayers, act, dtype);
        } catch (ModelConfig.Invalid e) {
            throw f.error(e.problem);
        }
        checkLayerTypes(f, config);
        return config;
    }

    /**
     * transformers 5 lists each layer's attention kind for Qwen2 (and loads a Mistral config that has the
     * list as Ministral, windowed only where it says so); ours follows from sliding_window,
     * use_sliding_window and max_window_layers, so a list that says otherwise is refused rather than silently
     * ignored. Without a window every layer attends fully whatever the list says, and Llama and Phi-3
     * configs have no such field.
     */
    private static void checkLayerTypes(JsonFields f, ModelConfig c) {
        Object raw = f.raw("layer_types");
        boolean listed = c.architecture() == Architecture.QWEN2 || c.architecture() == Architecture.MISTRAL;
        if (raw == null || !listed || c.slidingWindow() == null) return;
        if (!(raw instanceof List<?> types) || types.size() != c.numLayers()) {
            throw f.error("field 'layer_types' must list one attention kind per layer (" + c.numLayers() + "), got " + Json.typeName(raw));
        }
        for (int l = 0; l < types.size(); l++) {
            String expected = c.slidingWindow(l) == null ? "full_attention" : "sliding_attention";
            if (!expected.equals(types.get(l))) {
                throw f.error("layer_types[" + l + "] is '" + types.get(l) + "' but sliding_window, use_sliding_window and max_window_layers give '"
                        + expected + "'; other per-layer attention patterns are not supported");
            }
        }
    }

    /** The object under {@code key}, or null when absent or null. */
    private static JsonFields object(JsonFields f, String key) {
        Object v = f.raw(key);
        if (v == null) return null;
        if (!(v instanceof Map<?, ?>)) throw f.error("field '" + key + "' must be an object or null, got " + Json.typeName(v));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        return f.child(key, map);
    }

    private static Architecture architecture(JsonFields f) {
        String modelType = f.optString("model_type");
        Architecture arch;
        Object archs = f.raw("architectures");
        if (archs != null && !(archs instanceof List<?> l && l.stream().allMatch(String.class::isInstance))) {
            throw f.error("field 'architectures' must be a list of class names such as [\"LlamaForCausalLM\"], got " + Json.write(archs));
        }
        if (archs instanceof List<?> list && !list.isEmpty()) {
            String name = (String) list.get(0);
            arch = Architecture.fromHfClass(name);
            if (arch == null) throw f.error("architecture '" + name + "' is not supported; supported: " + Architecture.supportedClasses());
        } else if (modelType != null) {
            arch = Architecture.fromModelType(modelType);
            if (arch == null) throw f.error("model_type '" + modelType + "' is not supported and 'architectures' is missing; supported: " + Architecture.supportedClasses());
        } else {
            throw f.error("missing required field 'architectures'");
        }
        if (modelType != null && !modelType.equals(arch.modelType())) {
            throw f.error("model_type '" + modelType + "' does not match architecture '" + arch.hfClass() + "' (expected '" + arch.modelType() + "')");
        }
        return arch;
    }

    static String write(ModelConfig c) {
        Architecture a = c.architecture();
        Map<String, Object> m = new TreeMap<>(); // transformers writes keys sorted too
        m.put("architectures", List.of(a.hfClass()));
        m.put("model_type", a.modelType());
        m.put("vocab_size", c.vocabSize());
        m.put("hidden_size", c.hiddenSize());
        m.put("intermediate_size", c.intermediateSize());
        m.put("num_hidden_layers", c.numLayers());
        m.put("num_attention_heads", c.numHeads());
        m.put("num_key_value_heads", c.numKvHeads());
        m.put("head_dim", c.headDim());
        m.put("hidden_act", c.hiddenAct());
        m.put("rms_norm_eps", c.rmsNormEps());
        m.put("rope_theta", c.ropeTheta());
        m.put("rope_scaling", c.ropeScaling().toJson(a));
        m.put("max_position_embeddings", c.maxPositionEmbeddings());
        if (c.originalMaxPositionEmbeddings() != null) m.put("original_max_position_embeddings", c.originalMaxPositionEmbeddings());
        if (c.partialRotaryFactor() != 1.0) m.put("partial_rotary_factor", c.partialRotaryFactor());
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        // explicit nulls, so the family's default token ids do not creep in
        m.put("bos_token_id", c.bosTokenId());
        int[] eos = c.eosTokenIds();
        m.put("eos_token_id", eos.length == 0 ? null : eos.length == 1 ? (Object) eos[0] : eos);
        // Phi3Config would otherwise default it to 32000, outside a small draft vocabulary
        m.put("pad_token_id", c.padTokenId());
        if (c.torchDtype() != null) m.put("torch_dtype", c.torchDtype());
        switch (a) {
            case LLAMA -> {
                m.put("attention_bias", c.attentionBias());
                m.put("mlp_bias", c.mlpBias());
            }
            case MISTRAL, PHI3 -> m.put("sliding_window", c.slidingWindow());
            case QWEN2 -> {
                m.put("use_sliding_window", c.slidingWindow() != null);
                m.put("sliding_window", c.slidingWindow());
                m.put("max_window_layers", c.maxWindowLayers());
            }
        }
        m.put("use_cache", true);
        StringBuilder sb = new StringBuilder("{\n");
        boolean first = true;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!first) sb.append(",\n");
            first = false;
            sb.append("  ");
            Json.quote(sb, e.getKey());
            sb.append(": ");
            Json.write(sb, e.getValue());
        }
        return sb.append("\n}\n").toString();
    }
}
