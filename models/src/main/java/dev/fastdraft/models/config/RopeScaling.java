package dev.fastdraft.models.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code rope_scaling} block of a config.json: which RoPE variant and its parameters, kept as written
 * (absent optional values are null) so a config survives a parse/write round trip.
 *
 * <p>{@link #invFreq(ModelConfig)} computes the frequencies the way Hugging Face transformers does; see
 * {@link RopeFrequencies}.
 */
public record RopeScaling(
        RopeType type,
        Double factor,
        Double lowFreqFactor,
        Double highFreqFactor,
        Integer originalMaxPositionEmbeddings,
        double[] shortFactor,
        double[] longFactor,
        Double attentionFactor,
        Double betaFast,
        Double betaSlow,
        Double mscale,
        Double mscaleAllDim,
        Boolean truncate) {

    private static final RopeScaling NONE = new RopeScaling(RopeType.DEFAULT, null, null, null, null, null, null, null, null, null, null, null, null);

    public RopeScaling {
        Objects.requireNonNull(type, "type");
        shortFactor = shortFactor == null ? null : shortFactor.clone();
        longFactor = longFactor == null ? null : longFactor.clone();
        String where = "rope_scaling (" + type.jsonName() + ")";
        switch (type) {
            case DEFAULT -> { }
            case LINEAR, DYNAMIC, YARN -> requirePositive(where, "factor", factor);
            case LLAMA3 -> {
                requirePositive(where, "factor", factor);
                requirePositive(where, "low_freq_factor", lowFreqFactor);
                requirePositive(where, "high_freq_factor", highFreqFactor);
                if (highFreqFactor <= lowFreqFactor) {
                    throw new IllegalArgumentException(where + ": high_freq_factor " + highFreqFactor + " must exceed low_freq_factor " + lowFreqFactor);
                }
                if (originalMaxPositionEmbeddings == null) throw new IllegalArgumentException(where + ": missing required field 'original_max_position_embeddings'");
            }
            case LONGROPE -> {
                if (shortFactor == null) throw new IllegalArgumentException(where + ": missing required field 'short_factor'");
                if (longFactor == null) throw new IllegalArgumentException(where + ": missing required field 'long_factor'");
                for (double f : shortFactor) if (!(f > 0)) throw new IllegalArgumentException(where + ": short_factor entries must be positive, got " + f);
                for (double f : longFactor) if (!(f > 0)) throw new IllegalArgumentException(where + ": long_factor entries must be positive, got " + f);
                if (factor != null) requirePositive(where, "factor", factor);
            }
        }
        if (originalMaxPositionEmbeddings != null && originalMaxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException(where + ": original_max_position_embeddings must be positive, got " + originalMaxPositionEmbeddings);
        }
        if (attentionFactor != null && !(attentionFactor > 0)) throw new IllegalArgumentException(where + ": attention_factor must be positive, got " + attentionFactor);
    }

    private static void requirePositive(String where, String field, Double v) {
        if (v == null) throw new IllegalArgumentException(where + ": missing required field '" + field + "'");
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(where + ": " + field + " must be a positive number, got " + v);
    }

    // ---- factories ----

    /** Plain RoPE (no {@code rope_scaling}). */
    public static RopeScaling none() {
        return NONE;
    }

    public static RopeScaling linear(double factor) {
        return new RopeScaling(RopeType.LINEAR, factor, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static RopeScaling dynamic(double factor) {
        return new RopeScaling(RopeType.DYNAMIC, factor, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings) {
        return new RopeScaling(RopeType.LLAMA3, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings, null, null, null, null, null, null, null, null);
    }

    public static RopeScaling longrope(double[] shortFactor, double[] longFactor) {
        return new RopeScaling(RopeType.LONGROPE, null, null, null, null, shortFactor, longFactor, null, null, null, null, null, null);
    }

    /** YaRN with the usual parameters; {@code originalMaxPositionEmbeddings} may be null. */
    public static RopeScaling yarn(double factor, Integer originalMaxPositionEmbeddings) {
        return new RopeScaling(RopeType.YARN, factor, null, null, originalMaxPositionEmbeddings, null, null, null, null, null, null, null, null);
    }

    @Override
    public double[] shortFactor() {
        return shortFactor == null ? null : shortFactor.clone();
    }

    @Override
    public double[] longFactor() {
        return longFactor == null ? null : longFactor.clone();
    }

    // ---- frequencies ----

    /** Inverse frequencies at model initialisation (no sequence length known), as transformers computes them. */
    public static RopeFrequencies invFreq(ModelConfig config) {
        return RopeFrequencies.compute(config, 0);
    }

    /**
     * Inverse frequencies for a sequence of {@code seqLen} positions. Only "dynamic" (NTK base grows with the
     * length past max_position_embeddings) and "longrope" (long factors past the original length) depend on it.
     */
    public static RopeFrequencies invFreq(ModelConfig config, long seqLen) {
        if (seqLen < 0) throw new IllegalArgumentException("RopeScaling.invFreq: negative seqLen " + seqLen);
        return RopeFrequencies.compute(config, seqLen);
    }

    // ---- JSON ----

    static RopeScaling parse(JsonFields f, Architecture arch) {
        String typeName = f.optString("rope_type");
        if (typeName == null) typeName = f.optString("type");
        String block = f.objectName();
        if (typeName == null && block.equals("rope_parameters")) typeName = "default"; // transformers 5's default
        if (typeName == null) throw f.error(block + " has neither 'rope_type' nor 'type'");
        RopeType type = RopeType.fromJson(typeName);
        // Phi3Config maps the names of its early releases ("su", "yarn") to longrope
        if (arch == Architecture.PHI3 && (typeName.equals("su") || typeName.equals("yarn"))) type = RopeType.LONGROPE;
        if (type == null) {
            throw f.error(block + " type '" + typeName + "' is not supported; supported: " + RopeType.supported());
        }
        if (arch == Architecture.PHI3 && type != RopeType.LONGROPE && type != RopeType.DEFAULT) {
            throw f.error(block + " type '" + typeName + "' is not supported for phi3 (transformers accepts only longrope)");
        }
        try {
            return new RopeScaling(type,
                    f.optDoubleOrNull("factor"),
                    f.optDoubleOrNull("low_freq_factor"),
                    f.optDoubleOrNull("high_freq_factor"),
                    f.optInteger("original_max_position_embeddings"),
                    type == RopeType.LONGROPE ? f.requireNumberList("short_factor") : null,
                    type == RopeType.LONGROPE ? f.requireNumberList("long_factor") : null,
                    f.optDoubleOrNull("attention_factor"),
                    f.optDoubleOrNull("beta_fast"),
                    f.optDoubleOrNull("beta_slow"),
                    f.optDoubleOrNull("mscale"),
                    f.optDoubleOrNull("mscale_all_dim"),
                    f.optBoolean("truncate"));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("rope_scaling")) throw f.error(block + e.getMessage().substring("rope_scaling".length()));
            throw e;
        }
    }

    /** The rope_scaling object to write, or null for plain RoPE. */
    Map<String, Object> toJson(Architecture arch) {
        if (type == RopeType.DEFAULT) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        // Phi3Config (transformers 4.4x) insists on the legacy "type" key; everything else reads rope_type.
        m.put(arch == Architecture.PHI3 ? "type" : "rope_type", type.jsonName());
        put(m, "factor", factor);
        put(m, "low_freq_factor", lowFreqFactor);
        put(m, "high_freq_factor", highFreqFactor);
        put(m, "original_max_position_embeddings", originalMaxPositionEmbeddings);
        put(m, "short_factor", shortFactor);
        put(m, "long_factor", longFactor);
        put(m, "attention_factor", attentionFactor);
        put(m, "beta_fast", betaFast);
        put(m, "beta_slow", betaSlow);
        put(m, "mscale", mscale);
        put(m, "mscale_all_dim", mscaleAllDim);
        put(m, "truncate", truncate);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object v) {
        if (v != null) m.put(key, v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RopeScaling r && type == r.type && Objects.equals(factor, r.factor)
                && Objects.equals(lowFreqFactor, r.lowFreqFactor) && Objects.equals(highFreqFactor, r.highFreqFactor)
                && Objects.equals(originalMaxPositionEmbeddings, r.originalMaxPositionEmbeddings)
                && Arrays.equals(shortFactor, r.shortFactor) && Arrays.equals(longFactor, r.longFactor)
                && Objects.equals(attentionFactor, r.attentionFactor) && Objects.equals(betaFast, r.betaFast)
                && Objects.equals(betaSlow, r.betaSlow) && Objects.equals(mscale, r.mscale)
                && Objects.equals(mscaleAllDim, r.mscaleAllDim) && Objects.equals(truncate, r.truncate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings,
                Arrays.hashCode(shortFactor), Arrays.hashCode(longFactor), attentionFactor);
    }

    @Override
    public String toString() {
        Map<String, Object> m = toJson(Architecture.LLAMA);
        return m == null ? "RopeScaling(default)" : "RopeScaling" + m.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() instanceof double[] a ? Arrays.toString(a) : e.getValue()))
                .toList();
    }
}
