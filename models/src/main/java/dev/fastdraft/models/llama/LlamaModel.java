package dev.fastdraft.models.llama;

import dev.fastdraft.autograd.Activations;
import dev.fastdraft.autograd.Attention;
import dev.fastdraft.autograd.Elementwise;
import dev.fastdraft.autograd.Embedding;
import dev.fastdraft.autograd.Linear;
import dev.fastdraft.autograd.Norms;
import dev.fastdraft.autograd.Parameter;
import dev.fastdraft.autograd.Rotary;
import dev.fastdraft.autograd.Var;
import dev.fastdraft.autograd.Views;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.attention.AttentionConfig;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.generate.CausalLM;
import dev.fastdraft.models.generate.KVCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Llama-family decoder (Llama 2/3, Mistral, Qwen2, Phi-3), written once for both uses: with
 * trainable F32 weights under a {@link dev.fastdraft.autograd.Tape} it trains; with stored (BF16/F16/F32)
 * weights and a {@link KVCache} it generates. The only branch between the two is where keys and values
 * come from: the current batch, or the cache the new positions were just appended to.
 */
public final class LlamaModel implements CausalLM {
    private final ModelConfig config;
    private final Map<String, Var> weights;
    private final Var embed;
    private final Var lmHead;
    private final Var finalNorm;
    private final LayerWeights[] layers;
    private final RotaryTables rope;

    LlamaModel(ModelConfig config, Map<String, Var> weights) {
        this.config = config;
        this.weights = weights;
        this.embed = weights.get(WeightNames.EMBED);
        this.lmHead = config.tieWordEmbeddings() ? embed : weights.get(WeightNames.LM_HEAD);
        this.finalNorm = weights.get(WeightNames.FINAL_NORM);
        this.layers = new LayerWeights[config.numLayers()];
        for (int l = 0; l < layers.length; l++) layers[l] = WeightNames.layer(weights, l);
        this.rope = new RotaryTables(config);
    }

    public ModelConfig config() {
        return config;
    }

    /** Weights by checkpoint name (tied embeddings appear once, under the embedding's name). */
    public Map<String, Var> weights() {
        return weights;
    }

    /** Trainable parameters in checkpoint-name order. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Map.Entry<String, Var> e : weights.entrySet()) {
            if (e.getValue().requiresGrad()) out.add(new Parameter(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int maxPositions() {
        return config.maxPositionEmbeddings();
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (Var v : weights.values()) n += v.value().numel();
        return n;
    }

    @Override
    public KVCache newCache(int capacity) {
        if (capacity < 1 || capacity > maxPositions()) throw new IllegalArgumentException("cache capacity " + capacity + " outside [1, " + maxPositions() + "]");
        return new LlamaCache(config.numLayers(), capacity, config.numKvHeads() * config.headDim());
    }

    // ---- the decoder ----

    /**
     * Final hidden states [batch*seqLen, hidden] of {@code ids} (batch rows of seqLen tokens). With a cache
     * (batch 1), the tokens sit at positions cache.length() onwards and are appended to it.
     */
    public Var hidden(int[] ids, int batch, int seqLen, LlamaCache cache) {
        if (ids.length != batch * seqLen) throw new IllegalArgumentException("forward: " + ids.length + " ids for batch " + batch + " x seqLen " + seqLen);
        if (cache != null && batch != 1) throw new IllegalArgumentException("forward: a KV cache holds one sequence, got batch " + batch);
        int pos0 = cache == null ? 0 : cache.length();
        if (cache != null && pos0 + seqLen > cache.capacity()) {
            throw new IllegalArgumentException("forward: " + seqLen + " new tokens at position " + pos0 + " overflow the cache of " + cache.capacity());
        }
        if (pos0 + seqLen > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("forward: positions up to " + (pos0 + seqLen) + " exceed the model's context of " + config.maxPositionEmbeddings());
        }
        Rotary.Positions positions = new Rotary.Positions(batch, seqLen, pos0, rope.table(pos0 + seqLen));
        Var h = Embedding.lookup(embed, ids, config.padTokenId() == null ? -1 : config.padTokenId());
        for (int l = 0; l < layers.length; l++) h = block(l, h, positions, cache);
        if (cache != null) cache.advance(seqLen);
        return Norms.rms(h, finalNorm, (float) config.rmsNormEps());
    }

    private Var block(int l, Var h, Rotary.Positions positions, LlamaCache cache) {
        LayerWeights w = layers[l];
        int nh = config.numHeads(), nkv = config.numKvHeads(), hd = config.headDim(), rot = config.rotaryDim();
        float eps = (float) config.rmsNormEps();

        Var x = Norms.rms(h, w.inputNorm(), eps);
        Var q, k, v;
        if (w.qkv() != null) {
            Var qkv = Linear.apply(x, w.qkv(), null);
            q = Views.narrow(qkv, 1, 0, nh * hd);
            k = Views.narrow(qkv, 1, nh * hd, nkv * hd);
            v = Views.narrow(qkv, 1, (nh + nkv) * hd, nkv * hd);
        } else {
            q = Linear.apply(x, w.q(), w.qBias());
            k = Linear.apply(x, w.k(), w.kBias());
            v = Linear.apply(x, w.v(), w.vBias());
        }
        q = Rotary.apply(q, nh, hd, rot, positions);
        k = Rotary.apply(k, nkv, hd, rot, positions);
        Integer window = config.slidingWindow(l);
        AttentionConfig shape = AttentionConfig.of(nh, nkv, hd).withWindow(window == null ? 0 : window);
        Var att = cache == null
                ? Attention.causal(q, k, v, positions.batch(), positions.seqLen(), shape)
                : Attention.cached(q, k, v, cache.keys[l], cache.values[l], positions.start(), shape);
        h = Elementwise.add(h, Linear.apply(att, w.o(), w.oBias()));

        x = Norms.rms(h, w.postNorm(), eps);
        int inter = config.intermediateSize();
        Var gate, up;
        if (w.gateUp() != null) {
            Var gu = Linear.apply(x, w.gateUp(), null);
            gate = Views.narrow(gu, 1, 0, inter);
            up = Views.narrow(gu, 1, inter, inter);
        } else {
            gate = Linear.apply(x, w.gate(), w.gateBias());
            up = Linear.apply(x, w.up(), w.upBias());
        }
        return Elementwise.add(h, Linear.apply(Activations.swiglu(gate, up), w.down(), w.downBias()));
    }

    /** Logits [rows, vocab] of hidden states. */
    public Var logits(Var hidden) {
        return Linear.apply(hidden, lmHead, null);
    }

    /** Mean next-token cross-entropy of a batch (training). */
    public Var loss(int[] inputs, int[] targets, int batch, int seqLen) {
        if (targets.length != inputs.length) throw new IllegalArgumentException("loss: " + targets.length + " targets for " + inputs.length + " inputs");
        return dev.fastdraft.autograd.CrossEntropy.mean(logits(hidden(inputs, batch, seqLen, null)), targets);
    }

    @Override
    public float[] forward(int[] ids, KVCache cache, int rows) {
        if (!(cache instanceof LlamaCache c)) throw new IllegalArgumentException("forward: cache was not made by this model");
        if (rows < 1 || rows > ids.length) throw new IllegalArgumentException("forward: rows " + rows + " outside [1, " + ids.length + "]");
        Var h = hidden(ids, 1, ids.length, c);
        Var last = rows == ids.length ? h : Views.narrow(h, 0, ids.length - rows, rows);
        return logits(last).value().toFloatArray();
    }

    /** Copies of the weights as F32 tensors by checkpoint name, for saving. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : weights.entrySet()) out.put(e.getKey(), e.getValue().value());
        return out;
    }
}
