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
import dev.fastdraft.autograd.WeightPanels;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.engine.device.MatmulOps;
import dev.fastdraft.kernels.WorkerPool;
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
    /** Panel copies of frozen BF16 and F16 matrices for decode and verification, made on first use or by prepareForDecoding. */
    private final WeightPanels panels = new WeightPanels();
    /** Whether prepareForDecoding has run: every generation calls it, and the walk over the weights need happen once. */
    private volatile boolean prepared;
    private volatile MatmulOps device;

    LlamaModel(ModelConfig config, Map<String, Var> weights) {
        dev.fastdraft.kernels.VectorApi.require();
        this.config = config;
        this.weights = weights;
        Var head = weights.get(WeightNames.LM_HEAD); // present when untied, or tied but stored anyway
        Var embedding = weights.get(WeightNames.EMBED); // absent only in a tied checkpoint that stores the head
        this.embed = embedding != null ? embedding : head;
        this.lmHead = head != null ? head : embed;
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
     * How the rows of one forward pass are laid out: {@code batch} training sequences of {@code seqLen}
     * (no caches), or sequences of {@code lengths[i]} new tokens each appended to {@code caches[i]}.
     */
    private record Layout(int batch, int seqLen, LlamaCache[] caches, int[] lengths, int[] rowStart, Rotary.Positions positions) {}

    /**
     * Final hidden states [batch*seqLen, hidden] of {@code ids} (batch rows of seqLen tokens). With a cache
     * (batch 1), the tokens sit at positions cache.length() onwards and are appended to it.
     */
    public Var hidden(int[] ids, int batch, int seqLen, LlamaCache cache) {
        if (ids.length != batch * seqLen) throw new IllegalArgumentException("forward: " + ids.length + " ids for batch " + batch + " x seqLen " + seqLen);
        if (cache != null && batch != 1) throw new IllegalArgumentException("forward: a KV cache holds one sequence, got batch " + batch);
        if (cache != null) return hidden(ids, new int[] {seqLen}, new LlamaCache[] {cache});
        checkContext(0, seqLen);
        Layout layout = new Layout(batch, seqLen, null, null, null, new Rotary.Positions(batch, seqLen, 0, rope.table(seqLen)));
        return run(ids, layout);
    }

    /** Several sequences in one pass: sequence i brings lengths[i] new ids (concatenated in {@code ids}) and its own cache. */
    private Var hidden(int[] ids, int[] lengths, LlamaCache[] caches) {
        int rows = 0, longest = 0;
        int[] start = new int[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            LlamaCache c = caches[i];
            if (c.length() + lengths[i] > c.capacity()) {
                throw new IllegalArgumentException("forward: " + lengths[i] + " new tokens at position " + c.length() + " overflow the cache of " + c.capacity());
            }
            checkContext(c.length(), lengths[i]);
            start[i] = rows;
            rows += lengths[i];
            longest = Math.max(longest, c.length() + lengths[i]);
        }
        if (rows != ids.length) throw new IllegalArgumentException("forward: " + ids.length + " ids for sequences of " + java.util.Arrays.toString(lengths));
        int[] pos = new int[rows];
        for (int i = 0; i < lengths.length; i++) for (int t = 0; t < lengths[i]; t++) pos[start[i] + t] = caches[i].length() + t;
        Layout layout = new Layout(1, rows, caches, lengths, start, new Rotary.Positions(1, rows, 0, rope.table(longest), pos));
        Var h = run(ids, layout);
        for (int i = 0; i < caches.length; i++) caches[i].advance(lengths[i]);
        return h;
    }

    private void checkContext(int pos0, int n) {
        if (pos0 + n > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("forward: positions up to " + (pos0 + n) + " exceed the model's context of " + config.maxPositionEmbeddings());
        }
    }

    private Var run(int[] ids, Layout layout) {
        Var h = Embedding.lookup(embed, ids, config.padTokenId() == null ? -1 : config.padTokenId());
        for (int l = 0; l < layers.length; l++) h = block(l, h, layout);
        return Norms.rms(h, finalNorm, (float) config.rmsNormEps());
    }

    private Var block(int l, Var h, Layout layout) {
        Rotary.Positions positions = layout.positions();
        LayerWeights w = layers[l];
        int nh = config.numHeads(), nkv = config.numKvHeads(), hd = config.headDim(), rot = config.rotaryDim();
        float eps = (float) config.rmsNormEps();

        Var x = Norms.rms(h, w.inputNorm(), eps);
        Var q, k, v;
        if (w.qkv() != null) {
            Var qkv = linear(x, w.qkv(), null);
            q = Views.narrow(qkv, 1, 0, nh * hd);
            k = Views.narrow(qkv, 1, nh * hd, nkv * hd);
            v = Views.narrow(qkv, 1, (nh + nkv) * hd, nkv * hd);
        } else {
            q = linear(x, w.q(), w.qBias());
            k = linear(x, w.k(), w.kBias());
            v = linear(x, w.v(), w.vBias());
        }
        q = Rotary.apply(q, nh, hd, rot, positions);
        k = Rotary.apply(k, nkv, hd, rot, positions);
        Integer window = config.slidingWindow(l);
        AttentionConfig shape = AttentionConfig.of(nh, nkv, hd).withWindow(window == null ? 0 : window);
        Var att;
        if (layout.caches() == null) {
            att = Attention.causal(q, k, v, layout.batch(), layout.seqLen(), shape);
        } else if (layout.caches().length == 1) {
            LlamaCache c = layout.caches()[0];
            att = Attention.cached(q, k, v, c.keys[l], c.values[l], c.length(), shape);
        } else {
            Var[] parts = new Var[layout.caches().length];
            for (int i = 0; i < parts.length; i++) {
                LlamaCache c = layout.caches()[i];
                int r0 = layout.rowStart()[i], n = layout.lengths()[i];
                parts[i] = Attention.cached(Views.narrow(q, 0, r0, n), Views.narrow(k, 0, r0, n), Views.narrow(v, 0, r0, n),
                        c.keys[l], c.values[l], c.length(), shape);
            }
            att = Views.concat(0, parts);
        }
        h = Elementwise.add(h, linear(att, w.o(), w.oBias()));

        x = Norms.rms(h, w.postNorm(), eps);
        int inter = config.intermediateSize();
        Var gate, up;
        if (w.gateUp() != null) {
            Var gu = linear(x, w.gateUp(), null);
            gate = Views.narrow(gu, 1, 0, inter);
            up = Views.narrow(gu, 1, inter, inter);
        } else {
            gate = linear(x, w.gate(), w.gateBias());
            up = linear(x, w.up(), w.upBias());
        }
        return Elementwise.add(h, linear(Activations.swiglu(gate, up), w.down(), w.downBias()));
    }

    /**
     * Panel copies of every matrix a decode step multiplies on the CPU, made now rather than on the first
     * step. Each task copies one whole matrix, so that the threads also share the work of allocating the
     * copies (faulting in and zeroing fresh pages, most of the cost), which one thread does per allocation.
     */
    @Override
    public void prepareForDecoding() {
        if (device != null || prepared) return;
        List<Var> matrices = new ArrayList<>();
        for (LayerWeights w : layers) {
            for (Var m : new Var[] {w.q(), w.k(), w.v(), w.qkv(), w.o(), w.gate(), w.up(), w.gateUp(), w.down()}) {
                if (m != null) matrices.add(m);
            }
        }
        matrices.add(lmHead);
        WorkerPool pool = WorkerPool.common();
        pool.parallelFor(matrices.size(), i -> panels.prepare(matrices.get(i), pool));
        prepared = true;
    }

    /** Matrices with a panel copy so far. */
    public int panelCopies() {
        return panels.size();
    }

    private Var linear(Var x, Var weight, Var bias) {
        return Linear.apply(x, weight, bias, device, panels);
    }

    /**
     * Runs the forward matmuls on {@code ops} (a device from {@code --device}); null returns to the CPU
     * kernels. Training's backward pass stays on the CPU either way.
     */
    public void useDevice(MatmulOps ops) {
        this.device = ops;
    }

    /** Logits [rows, vocab] of hidden states. */
    public Var logits(Var hidden) {
        return linear(hidden, lmHead, null);
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

    /**
     * Batched decoding of independent sequences: sequence i runs {@code ids[i]} over {@code caches[i]}; the
     * weights are read once for all of them. Returns the logits of each sequence's last new token.
     */
    public float[][] forwardBatch(int[][] ids, KVCache[] caches) {
        if (ids.length != caches.length || ids.length == 0) throw new IllegalArgumentException("forwardBatch: " + ids.length + " sequences for " + caches.length + " caches");
        LlamaCache[] cs = new LlamaCache[caches.length];
        int[] lengths = new int[ids.length];
        int total = 0;
        for (int i = 0; i < ids.length; i++) {
            if (!(caches[i] instanceof LlamaCache c)) throw new IllegalArgumentException("forwardBatch: cache " + i + " was not made by this model");
            if (ids[i].length == 0) throw new IllegalArgumentException("forwardBatch: sequence " + i + " has no new tokens");
            cs[i] = c;
            lengths[i] = ids[i].length;
            total += lengths[i];
        }
        int[] flat = new int[total];
        int[] last = new int[ids.length];
        for (int i = 0, at = 0; i < ids.length; i++) {
            System.arraycopy(ids[i], 0, flat, at, ids[i].length);
            at += ids[i].length;
            last[i] = at - 1;
        }
        Var h = hidden(flat, lengths, cs);
        Var[] rows = new Var[ids.length];
        for (int i = 0; i < ids.length; i++) rows[i] = Views.narrow(h, 0, last[i], 1);
        float[] logits = logits(Views.concat(0, rows)).value().toFloatArray();
        int v = vocabSize();
        float[][] out = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) out[i] = java.util.Arrays.copyOfRange(logits, i * v, (i + 1) * v);
        return out;
    }

    /** Copies of the weights as F32 tensors by checkpoint name, for saving. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Var> e : weights.entrySet()) out.put(e.getKey(), e.getValue().value());
        return out;
    }
}
