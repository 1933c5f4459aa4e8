package dev.fastdraft.models.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The shape and hyper-parameters of a decoder-only transformer, as Hugging Face's config.json describes it for
 * Llama, Mistral, Qwen2 and Phi-3. Field names in error messages are the config.json ones.
 *
 * @param headDim per-head size: config.json's {@code head_dim} when given, else hidden_size / num_attention_heads
 * @param partialRotaryFactor fraction of each head that is rotated (1 for all four families' released models)
 * @param originalMaxPositionEmbeddings the top-level field (Phi-3: the pre-training context); null when absent.
 *        Llama 3's lives in {@link RopeScaling#originalMaxPositionEmbeddings()} instead
 * @param bosTokenId null when the config has none
 * @param padTokenId null when the config has none (it must lie inside the vocabulary: it becomes the embedding's padding_idx)
 * @param eosTokenIds one or more end tokens (config.json allows an int or a list); empty when none
 * @param attentionBias biases on the q, k and v projections (Qwen2 always; Llama when attention_bias)
 * @param attentionOutputBias bias on o_proj (Llama when attention_bias; never for Qwen2)
 * @param mlpBias biases on the MLP projections (Llama's mlp_bias)
 * @param slidingWindow attention window in tokens, null for full attention (Qwen2: only when use_sliding_window)
 * @param maxWindowLayers Qwen2: layers below this index use full attention even with a sliding window; 0 otherwise
 * @param hiddenAct always "silu": the gated MLP we implement
 * @param torchDtype the checkpoint's storage dtype as written ("bfloat16"...), or null
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        double partialRotaryFactor,
        int maxPositionEmbeddings,
        Integer originalMaxPositionEmbeddings,
        boolean tieWordEmbeddings,
        Integer bosTokenId,
        int[] eosTokenIds,
        Integer padTokenId,
        boolean attentionBias,
        boolean attentionOutputBias,
        boolean mlpBias,
        Integer slidingWindow,
        int maxWindowLayers,
        String hiddenAct,
        String torchDtype) {

    /** Thrown for an inconsistent configuration; the message names config.json fields. */
    static final class Invalid extends IllegalArgumentException {
        final String problem;

        Invalid(String problem) {
            super("ModelConfig: " + problem);
            this.problem = problem;
        }
    }

    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(ropeScaling, "ropeScaling");
        eosTokenIds = eosTokenIds == null ? new int[0] : eosTokenIds.clone();
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numHeads % numKvHeads != 0) {
            throw new Invalid("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (!(rmsNormEps > 0) || Double.isInfinite(rmsNormEps)) throw new Invalid("rms_norm_eps must be positive, got " + rmsNormEps);
        if (!(ropeTheta > 1) || Double.isInfinite(ropeTheta)) throw new Invalid("rope_theta must be greater than 1, got " + ropeTheta);
        if (!(partialRotaryFactor > 0 && partialRotaryFactor <= 1)) throw new Invalid("partial_rotary_factor must be in (0, 1], got " + partialRotaryFactor);
        int rotary = (int) (headDim * partialRotaryFactor);
        if (rotary < 2 || rotary % 2 != 0) {
            throw new Invalid("rotary dimension " + rotary + " (head_dim " + headDim + " x partial_rotary_factor " + partialRotaryFactor + ") must be even and at least 2");
        }
        if (originalMaxPositionEmbeddings != null) positive("original_max_position_embeddings", originalMaxPositionEmbeddings);
        if (bosTokenId != null && (bosTokenId < 0 || bosTokenId >= vocabSize)) throw new Invalid("bos_token_id " + bosTokenId + " is outside the vocabulary of " + vocabSize);
        if (padTokenId != null && (padTokenId < 0 || padTokenId >= vocabSize)) throw new Invalid("pad_token_id " + padTokenId + " is outside the vocabulary of " + vocabSize);
        for (int eos : eosTokenIds) {
            if (eos < 0 || eos >= vocabSize) throw new Invalid("eos_token_id " + eos + " is outside the vocabulary of " + vocabSize);
        }
        if (slidingWindow != null) positive("sliding_window", slidingWindow);
        if (maxWindowLayers < 0) throw new Invalid("max_window_layers must not be negative, got " + maxWindowLayers);
        if (!"silu".equals(hiddenAct)) {
            throw new Invalid("hidden_act '" + hiddenAct + "' is not supported; FastDraft implements SiLU-gated MLPs (hidden_act 'silu')");
        }
        checkFamilyRules(architecture, attentionBias, attentionOutputBias, mlpBias, maxWindowLayers, originalMaxPositionEmbeddings);
        checkRope(architecture, ropeScaling, rotary, originalMaxPositionEmbeddings);
    }

    private static void positive(String field, int v) {
        if (v <= 0) throw new Invalid(field + " must be positive, got " + v);
    }

    /** What transformers' model code for each family can express, so toJson() always loads there. */
    private static void checkFamilyRules(Architecture a, boolean qkvBias, boolean outBias, boolean mlpBias, int maxWindowLayers, Integer originalMax) {
        switch (a) {
            case LLAMA -> {
                if (qkvBias != outBias) throw new Invalid("llama's attention_bias covers q, k, v and o together (got q/k/v " + qkvBias + ", o " + outBias + ")");
            }
            case QWEN2 -> {
                if (!qkvBias || outBias) throw new Invalid("qwen2 always has q/k/v biases and no o_proj bias");
            }
            case MISTRAL, PHI3 -> {
                if (qkvBias || outBias) throw new Invalid(a.modelType() + " has no attention biases");
            }
        }
        if (mlpBias && a != Architecture.LLAMA) throw new Invalid("mlp_bias is only supported for llama, not " + a.modelType());
        if (maxWindowLayers != 0 && a != Architecture.QWEN2) throw new Invalid("max_window_layers is a qwen2 field, not " + a.modelType());
        if (a == Architecture.PHI3 && originalMax == null) throw new Invalid("phi3 needs original_max_position_embeddings");
    }

    private static void checkRope(Architecture a, RopeScaling r, int rotary, Integer originalMax) {
        if (a == Architecture.PHI3 && r.type() != RopeType.DEFAULT && r.type() != RopeType.LONGROPE) {
            throw new Invalid("phi3 supports only longrope scaling, not " + r.type().jsonName());
        }
        if (r.type() == RopeType.LONGROPE) {
            int half = rotary / 2;
            if (r.shortFactor().length != half) throw new Invalid("rope_scaling.short_factor has " + r.shortFactor().length + " entries, expected rotary_dim/2 = " + half);
            if (r.longFactor().length != half) throw new Invalid("rope_scaling.long_factor has " + r.longFactor().length + " entries, expected rotary_dim/2 = " + half);
            if (originalMax == null && r.factor() == null && r.attentionFactor() == null) {
                throw new Invalid("longrope needs original_max_position_embeddings, rope_scaling.factor or rope_scaling.attention_factor");
            }
        }
    }

    // ---- derived values ----

    /** Dimensions per head that RoPE rotates: {@code int(head_dim * partial_rotary_factor)}, as transformers. */
    public int rotaryDim() {
        return (int) (headDim * partialRotaryFactor);
    }

    /** Query heads sharing each key/value head. */
    public int kvGroups() {
        return numHeads / numKvHeads;
    }

    /** The attention window of {@code layer}, or null for full attention there. */
    public Integer slidingWindow(int layer) {
        if (layer < 0 || layer >= numLayers) throw new IndexOutOfBoundsException("slidingWindow: layer " + layer + " outside [0, " + numLayers + ")");
        if (slidingWindow == null) return null;
        return architecture == Architecture.QWEN2 && layer < maxWindowLayers ? null : slidingWindow;
    }

    @Override
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    // ---- config.json ----

    /** Reads {@code config.json}, or {@code dir/config.json} when given a directory. */
    public static ModelConfig load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        return parse(dev.fastdraft.models.io.TextFiles.readUtf8(file), file.toString());
    }

    /** Parses config.json text; {@code source} prefixes every error message. */
    public static ModelConfig parse(String json, String source) {
        return ConfigJson.parse(json, source);
    }

    public static ModelConfig parse(String json) {
        return parse(json, "config.json");
    }

    /** A config.json that transformers loads as this family with the same shapes and RoPE. */
    public String toJson() {
        return ConfigJson.write(this);
    }

    /** Writes {@link #toJson()} atomically. */
    public void write(Path file) throws IOException {
        dev.fastdraft.models.io.AtomicFile.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }

    // ---- deriving drafts ----

    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    /**
     * A builder holding this config's values, to derive a draft of the same family. head_dim follows the new
     * hidden_size / num_attention_heads unless this config set it explicitly (or the builder sets it).
     */
    public Builder toBuilder() {
        Builder b = new Builder(architecture);
        b.vocabSize = vocabSize;
        b.hiddenSize = hiddenSize;
        b.intermediateSize = intermediateSize;
        b.numLayers = numLayers;
        b.numHeads = numHeads;
        b.numKvHeads = numKvHeads;
        b.headDim = headDim == hiddenSize / numHeads && hiddenSize % numHeads == 0 ? 0 : headDim;
        b.rmsNormEps = rmsNormEps;
        b.ropeTheta = ropeTheta;
        b.ropeScaling = ropeScaling;
        b.partialRotaryFactor = partialRotaryFactor;
        b.maxPositionEmbeddings = maxPositionEmbeddings;
        b.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings;
        b.tieWordEmbeddings = tieWordEmbeddings;
        b.bosTokenId = bosTokenId;
        b.eosTokenIds = eosTokenIds.clone();
        b.padTokenId = padTokenId;
        b.attentionBias = attentionBias;
        b.attentionOutputBias = attentionOutputBias;
        b.mlpBias = mlpBias;
        b.slidingWindow = slidingWindow;
        b.maxWindowLayers = maxWindowLayers;
        b.torchDtype = torchDtype;
        return b;
    }

    /** Mutable staging for a {@link ModelConfig}; {@link #build()} validates. */
    public static final class Builder {
        private final Architecture architecture;
        private int vocabSize, hiddenSize, intermediateSize, numLayers, numHeads;
        private int numKvHeads; // 0: same as numHeads
        private int headDim; // 0: hiddenSize / numHeads
        private double rmsNormEps;
        private double ropeTheta = 10000.0;
        private RopeScaling ropeScaling = RopeScaling.none();
        private double partialRotaryFactor = 1.0;
        private int maxPositionEmbeddings;
        private Integer originalMaxPositionEmbeddings;
        private boolean tieWordEmbeddings;
        private Integer bosTokenId;
        private int[] eosTokenIds = new int[0];
        private Integer padTokenId;
        private boolean attentionBias, attentionOutputBias, mlpBias;
        private Integer slidingWindow;
        private int maxWindowLayers;
        private String torchDtype;

        private Builder(Architecture architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            // transformers' per-family defaults
            this.rmsNormEps = architecture == Architecture.PHI3 ? 1e-5 : 1e-6;
            this.attentionBias = architecture == Architecture.QWEN2;
            this.originalMaxPositionEmbeddings = architecture == Architecture.PHI3 ? 4096 : null;
        }

        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder hiddenSize(int v) { hiddenSize = v; return this; }
        public Builder intermediateSize(int v) { intermediateSize = v; return this; }
        public Builder numLayers(int v) { numLayers = v; return this; }
        public Builder numHeads(int v) { numHeads = v; return this; }
        /** 0 means "same as numHeads" (multi-head attention). */
        public Builder numKvHeads(int v) { numKvHeads = v; return this; }
        /** 0 means hiddenSize / numHeads. */
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder rmsNormEps(double v) { rmsNormEps = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder ropeScaling(RopeScaling v) { ropeScaling = v; return this; }
        public Builder partialRotaryFactor(double v) { partialRotaryFactor = v; return this; }
        public Builder maxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
        public Builder originalMaxPositionEmbeddings(Integer v) { originalMaxPositionEmbeddings = v; return this; }
        public Builder tieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }
        public Builder bosTokenId(Integer v) { bosTokenId = v; return this; }
        public Builder eosTokenIds(int... v) { eosTokenIds = v.clone(); return this; }
        public Builder padTokenId(Integer v) { padTokenId = v; return this; }
        /** Llama: attention_bias (q, k, v and o together). */
        public Builder attentionBias(boolean v) {
            attentionBias = v;
            if (architecture == Architecture.LLAMA) attentionOutputBias = v;
            return this;
        }
        public Builder mlpBias(boolean v) { mlpBias = v; return this; }
        public Builder slidingWindow(Integer v) { slidingWindow = v; return this; }
        public Builder maxWindowLayers(int v) { maxWindowLayers = v; return this; }
        public Builder torchDtype(String v) { torchDtype = v; return this; }

        public ModelConfig build() {
            if (numHeads <= 0) throw new Invalid("num_attention_heads must be positive, got " + numHeads);
            int hd = headDim;
            if (hd == 0) {
                if (hiddenSize % numHeads != 0) {
                    throw new Invalid("hidden_size " + hiddenSize + " is not divisible by num_attention_heads " + numHeads + "; set head_dim explicitly");
                }
                hd = hiddenSize / numHeads;
            }
            return new ModelConfig(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads,
                    numKvHeads == 0 ? numHeads : numKvHeads, hd, rmsNormEps, ropeTheta, ropeScaling, partialRotaryFactor,
                    maxPositionEmbeddings, originalMaxPositionEmbeddings, tieWordEmbeddings, bosTokenId, eosTokenIds,
                    padTokenId, attentionBias, attentionOutputBias, mlpBias, slidingWindow, maxWindowLayers, "silu", torchDtype);
        }
    }

    // ---- value semantics (the record's defaults compare arrays by identity) ----

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && architecture == c.architecture && vocabSize == c.vocabSize
                && hiddenSize == c.hiddenSize && intermediateSize == c.intermediateSize && numLayers == c.numLayers
                && numHeads == c.numHeads && numKvHeads == c.numKvHeads && headDim == c.headDim
                && Double.compare(rmsNormEps, c.rmsNormEps) == 0 && Double.compare(ropeTheta, c.ropeTheta) == 0
                && ropeScaling.equals(c.ropeScaling) && Double.compare(partialRotaryFactor, c.partialRotaryFactor) == 0
                && maxPositionEmbeddings == c.maxPositionEmbeddings
                && Objects.equals(originalMaxPositionEmbeddings, c.originalMaxPositionEmbeddings)
                && tieWordEmbeddings == c.tieWordEmbeddings && Objects.equals(bosTokenId, c.bosTokenId)
                && Arrays.equals(eosTokenIds, c.eosTokenIds) && Objects.equals(padTokenId, c.padTokenId) && attentionBias == c.attentionBias
                && attentionOutputBias == c.attentionOutputBias && mlpBias == c.mlpBias
                && Objects.equals(slidingWindow, c.slidingWindow) && maxWindowLayers == c.maxWindowLayers
                && hiddenAct.equals(c.hiddenAct) && Objects.equals(torchDtype, c.torchDtype);
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim,
                maxPositionEmbeddings, ropeScaling, Arrays.hashCode(eosTokenIds));
    }

    @Override
    public String toString() {
        return "ModelConfig(" + architecture + " layers=" + numLayers + " hidden=" + hiddenSize + " intermediate=" + intermediateSize
                + " heads=" + numHeads + "/" + numKvHeads + " head_dim=" + headDim + " vocab=" + vocabSize
                + " rope=" + ropeScaling.type().jsonName() + " theta=" + ropeTheta + " max_pos=" + maxPositionEmbeddings + ")";
    }
}
