package dev.fastdraft.models.llama;

import dev.fastdraft.autograd.Var;

/**
 * One decoder block's weights. Phi-3 stores q/k/v and gate/up fused ({@code qkv}, {@code gateUp});
 * the other families store them apart. Unused fields are null (biases: Llama's attention_bias adds
 * q/k/v/o biases, Qwen2 has q/k/v ones, Llama's mlp_bias gate/up/down ones).
 */
record LayerWeights(
        Var inputNorm,
        Var q, Var k, Var v, Var qkv,
        Var qBias, Var kBias, Var vBias,
        Var o, Var oBias,
        Var postNorm,
        Var gate, Var up, Var gateUp,
        Var gateBias, Var upBias,
        Var down, Var downBias) {
}
