package dev.fastdraft.models.llama;

import dev.fastdraft.autograd.Var;
import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Hugging Face tensor names and shapes of each family, in checkpoint order. */
final class WeightNames {
    static final String EMBED = "model.embed_tokens.weight";
    static final String FINAL_NORM = "model.norm.weight";
    static final String LM_HEAD = "lm_head.weight";

    private WeightNames() {}

    /** Every tensor the config implies, with its shape. */
    static Map<String, int[]> expected(ModelConfig c) {
        return expected(c, name -> false);
    }

    /**
     * The tensors to load from a checkpoint holding {@code stored}. With tied embeddings a stored
     * lm_head.weight is still loaded and used, as transformers 5 does (it ties only when the head is absent
     * or equal to the embedding); a tied checkpoint that stores only the head gives the embedding too.
     */
    static Map<String, int[]> expected(ModelConfig c, Predicate<String> stored) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int h = c.hiddenSize(), qd = c.numHeads() * c.headDim(), kd = c.numKvHeads() * c.headDim(), inter = c.intermediateSize();
        boolean fused = c.architecture() == Architecture.PHI3;
        boolean headOnly = c.tieWordEmbeddings() && !stored.test(EMBED) && stored.test(LM_HEAD);
        if (!headOnly) m.put(EMBED, new int[] {c.vocabSize(), h});
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", new int[] {h});
            if (fused) {
                m.put(p + "self_attn.qkv_proj.weight", new int[] {qd + 2 * kd, h});
            } else {
                m.put(p + "self_attn.q_proj.weight", new int[] {qd, h});
                m.put(p + "self_attn.k_proj.weight", new int[] {kd, h});
                m.put(p + "self_attn.v_proj.weight", new int[] {kd, h});
                if (c.attentionBias()) {
                    m.put(p + "self_attn.q_proj.bias", new int[] {qd});
                    m.put(p + "self_attn.k_proj.bias", new int[] {kd});
                    m.put(p + "self_attn.v_proj.bias", new int[] {kd});
                }
            }
            m.put(p + "self_attn.o_proj.weight", new int[] {h, qd});
            if (c.attentionOutputBias()) m.put(p + "self_attn.o_proj.bias", new int[] {h});
            m.put(p + "post_attention_layernorm.weight", new int[] {h});
            if (fused) {
                m.put(p + "mlp.gate_up_proj.weight", new int[] {2 * inter, h});
            } else {
                m.put(p + "mlp.gate_proj.weight", new int[] {inter, h});
                if (c.mlpBias()) m.put(p + "mlp.gate_proj.bias", new int[] {inter});
                m.put(p + "mlp.up_proj.weight", new int[] {inter, h});
                if (c.mlpBias()) m.put(p + "mlp.up_proj.bias", new int[] {inter});
            }
            m.put(p + "mlp.down_proj.weight", new int[] {h, inter});
            if (c.mlpBias()) m.put(p + "mlp.down_proj.bias", new int[] {h});
        }
        m.put(FINAL_NORM, new int[] {h});
        if (!c.tieWordEmbeddings() || stored.test(LM_HEAD)) m.put(LM_HEAD, new int[] {c.vocabSize(), h});
        return m;
    }

    static LayerWeights layer(Map<String, Var> w, int l) {
        String p = "model.layers." + l + ".";
        return new LayerWeights(
                w.get(p + "input_layernorm.weight"),
                w.get(p + "self_attn.q_proj.weight"), w.get(p + "self_attn.k_proj.weight"), w.get(p + "self_attn.v_proj.weight"),
                w.get(p + "self_attn.qkv_proj.weight"),
                w.get(p + "self_attn.q_proj.bias"), w.get(p + "self_attn.k_proj.bias"), w.get(p + "self_attn.v_proj.bias"),
                w.get(p + "self_attn.o_proj.weight"), w.get(p + "self_attn.o_proj.bias"),
                w.get(p + "post_attention_layernorm.weight"),
                w.get(p + "mlp.gate_proj.weight"), w.get(p + "mlp.up_proj.weight"), w.get(p + "mlp.gate_up_proj.weight"),
                w.get(p + "mlp.gate_proj.bias"), w.get(p + "mlp.up_proj.bias"),
                w.get(p + "mlp.down_proj.weight"), w.get(p + "mlp.down_proj.bias"));
    }
}
