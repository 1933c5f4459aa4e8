package dev.fastdraft.models.config;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Expected values were computed by hand in numpy float32, writing out transformers' expressions one
 * operation at a time: np.power(f32(theta), arange(0, dim, 2).astype(f32) / f32(dim)) for the powers (glibc
 * powf, correctly rounded for these inputs), f32(1) / p, Python scalars rounded with f32(...), and
 * {@code x / tensor} as {@code (f32(1) / tensor) * f32(x)} as torch's __rtruediv__ does. Where a value has a
 * closed form it is given too. Comparisons are bit-exact (float equality): any deviation in the order of
 * operations shows up as at least one ulp somewhere in these entries.
 */
class RopeScalingTest {
    private static final String LLAMA_31_8B = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256, "hidden_size": 4096,
             "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
             "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "rope_theta": 500000.0,
             "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                              "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu"}
            """;

    private static float bits(int b) {
        return Float.intBitsToFloat(b);
    }

    @Test
    void defaultRopeIsThetaToTheMinusTwoIOverDim() {
        ModelConfig mistral = Configs.load("mistral-7b-v0.1");
        RopeFrequencies r = RopeScaling.invFreq(mistral);
        assertEquals(64, r.invFreq().length);
        assertEquals(1f, r.attentionScaling());
        assertEquals(1f, r.invFreq()[0]);
        // i = 32: 10000^(64/128) = 100 exactly, so 1/100 rounded to float32
        assertEquals(0.01f, r.invFreq()[32]);
        assertEquals(bits(0x3c23d70a), r.invFreq()[32]);
        for (int i = 1; i < 64; i++) assertTrue(r.invFreq()[i] < r.invFreq()[i - 1], "strictly decreasing");
        // and within float32 rounding of the real-number formula everywhere
        for (int i = 0; i < 64; i++) {
            double exact = Math.pow(10000.0, -2.0 * i / 128);
            assertEquals(exact, r.invFreq()[i], exact * 3e-7, "entry " + i);
        }
    }

    @Test
    void llama31_8b() {
        ModelConfig c = ModelConfig.parse(LLAMA_31_8B);
        assertEquals(128, c.headDim());
        RopeFrequencies r = RopeScaling.invFreq(c);
        float[] inv = r.invFreq();
        assertEquals(64, inv.length);
        assertEquals(1f, r.attentionScaling());
        // High frequencies (wavelength < 8192/4 = 2048 tokens, entries 0..28) are left alone.
        assertEquals(1f, inv[0]);
        assertEquals(bits(0x3f508ac1), inv[1]);   // 0.8146172: 1 / 500000^(2/128)
        assertEquals(bits(0x3c87a9c3), inv[20]);  // 0.016560441
        assertEquals(bits(0x3b527720), inv[28]);  // 0.0032114461: wavelength 1956.5, just under 2048
        // Medium band (2048 <= wavelength <= 8192, entries 29..34): blend of inv/8 and inv with
        // smooth = (8192 / wavelength - 1) / 3.
        assertEquals(bits(0x3b0dfd06), inv[29]);  // 0.0021665706 (unscaled 0.0026160991)
        assertEquals(bits(0x3ab3d11d), inv[30]);  // 0.0013718937
        assertEquals(bits(0x3a60979e), inv[31]);  // 0.00085675146
        assertEquals(bits(0x3a0995d2), inv[32]);  // 0.00052484602 (unscaled 500000^-0.5 = 0.0014142135)
        assertEquals(bits(0x393b2dd2), inv[34]);  // 0.00017850779
        // Low frequencies (wavelength > 8192, entries 35..63) are divided by the factor 8.
        assertEquals(bits(0x38c86886), inv[35]);  // 9.556212e-05 = 0.00076449697 / 8
        assertEquals(bits(0x380fc8f8), inv[40]);
        assertEquals(bits(0x34a4c2ff), inv[63]);  // 3.0689259e-07 = 500000^(-126/128) / 8

        float[] plain = RopeScaling.invFreq(c.toBuilder().ropeScaling(RopeScaling.none()).build()).invFreq();
        for (int i = 0; i <= 28; i++) assertEquals(plain[i], inv[i], "high-frequency entry " + i + " unchanged");
        for (int i = 35; i < 64; i++) assertEquals(plain[i] / 8f, inv[i], "low-frequency entry " + i + " divided by 8 exactly");
        for (int i = 29; i <= 34; i++) assertTrue(inv[i] < plain[i] && inv[i] > plain[i] / 8f, "medium entry " + i + " in between");
    }

    @Test
    void llama3WithAFactorThatIsNotAPowerOfTwo() {
        // Dividing by 8 is exact, which hides the order of operations; with factor 6, low 1.5 and high 5
        // entry 32 comes out one ulp different when (1 - smooth) * (inv / factor) replaces ((1 - smooth) * inv) / factor.
        ModelConfig c = ModelConfig.parse(LLAMA_31_8B).toBuilder().ropeScaling(RopeScaling.llama3(6.0, 1.5, 5.0, 8192)).build();
        float[] inv = RopeScaling.invFreq(c).invFreq();
        assertEquals(bits(0x3b812e35), inv[27]);  // high frequency, unchanged
        assertEquals(bits(0x3b29ba9f), inv[28]);  // medium band: 28..33
        assertEquals(bits(0x3ad5281b), inv[29]);
        assertEquals(bits(0x3a83966f), inv[30]);
        assertEquals(bits(0x3a1e92d6), inv[31]);
        assertEquals(bits(0x39b84715), inv[32]);  // 0.00035148175 (the other order gives 0.00035148178)
        assertEquals(bits(0x3949eafd), inv[33]);
        assertEquals(bits(0x383fb6a0), inv[40]);  // low frequency, divided by 6
    }

    @Test
    void llama32UsesItsOwnFactorAndHeadDim() {
        ModelConfig c = Configs.load("llama-3.2-1b"); // head_dim 64, factor 32
        float[] inv = RopeScaling.invFreq(c).invFreq();
        float[] plain = RopeScaling.invFreq(c.toBuilder().ropeScaling(RopeScaling.none()).build()).invFreq();
        assertEquals(32, inv.length);
        assertEquals(plain[0], inv[0]);
        assertEquals(plain[31] / 32f, inv[31]);
    }

    @Test
    void linearDividesEveryFrequency() {
        ModelConfig base = Configs.load("mistral-7b-v0.1");
        float[] plain = RopeScaling.invFreq(base).invFreq();
        float[] lin = RopeScaling.invFreq(base.toBuilder().ropeScaling(RopeScaling.linear(4.0)).build()).invFreq();
        for (int i = 0; i < plain.length; i++) assertEquals(plain[i] / 4f, lin[i]);
    }

    @Test
    void dynamicNtkGrowsTheBasePastMaxPositions() {
        ModelConfig c = ModelConfig.builder(Architecture.LLAMA).vocabSize(32000).hiddenSize(4096).intermediateSize(11008)
                .numLayers(2).numHeads(32).maxPositionEmbeddings(4096).ropeScaling(RopeScaling.dynamic(2.0)).build();
        float[] plain = RopeScaling.invFreq(c.toBuilder().ropeScaling(RopeScaling.none()).build()).invFreq();
        assertArrayEquals(plain, RopeScaling.invFreq(c).invFreq(), "at init the dynamic base equals rope_theta");
        assertArrayEquals(plain, RopeScaling.invFreq(c, 4096).invFreq(), "no change up to max_position_embeddings");
        // seq_len 10000: base = 10000 * (2 * 10000 / 4096 - 1) ** (128 / 126), evaluated in float32 as torch
        // does once seq_len is a tensor = 39673.266 (0x471af944); inv[i] = 1 / base^(2i/128)
        float[] grown = RopeScaling.invFreq(c, 10000).invFreq();
        assertEquals(1f, grown[0]);
        assertEquals(bits(0x3f58f6e1), grown[1]);   // 0.84751707
        assertEquals(bits(0x3ba48366), grown[32]);  // 0.0050205467 = 1 / sqrt(39673.266)
        assertEquals(bits(0x37f97c06), grown[63]);  // 2.9740866e-05
        assertEquals(1f, RopeScaling.invFreq(c, 10000).attentionScaling());
    }

    @Test
    void phi3Mini128kLongrope() {
        ModelConfig c = Configs.load("phi-3-mini-128k-instruct"); // head_dim 96: 48 frequencies
        RopeFrequencies atInit = RopeScaling.invFreq(c);
        RopeFrequencies shortCtx = RopeScaling.invFreq(c, 4096);
        RopeFrequencies longCtx = RopeScaling.invFreq(c, 4097);
        assertEquals(48, atInit.invFreq().length);
        assertArrayEquals(atInit.invFreq(), shortCtx.invFreq(), "short factors up to original_max_position_embeddings");

        // inv[i] = 1 / (f32(factor[i]) * 10000^(2i/96))
        float[] s = shortCtx.invFreq();
        assertEquals(1f / 1.05f, s[0]);             // 0.95238101
        assertEquals(bits(0x3f493dcd), s[1]);       // 0.78609926 = 1 / (1.05 * 10000^(1/48))
        assertEquals(bits(0x3eaa9234), s[5]);       // factor 1.1500000000000001 -> f32 1.15
        assertEquals(0.005f, s[24]);                // 1 / (2.0 * 10000^(1/2)) = 1 / 200
        assertEquals(bits(0x382c4136), s[47]);      // 4.1068728e-05
        float[] l = longCtx.invFreq();
        assertEquals(1f / 1.0299999713897705f, l[0]);  // 0.97087383
        assertEquals(s[1], l[1], "both lists have 1.05 at entry 1");
        assertEquals(bits(0x3e9f7a21), l[5]);       // 0.31147864
        assertEquals(bits(0x39aeb457), l[24]);      // 0.00033322230 = 1 / (30.009998 * 100)
        assertEquals(bits(0x35fae675), l[47]);      // 1.8693523e-06

        // attention factor: factor = 131072 / 4096 = 32, sqrt(1 + ln 32 / ln 4096) = sqrt(1 + 5/12) = sqrt(17/12)
        assertEquals((float) Math.sqrt(17.0 / 12.0), atInit.attentionScaling());
        assertEquals(1.1902381f, longCtx.attentionScaling());
        assertEquals(atInit.attentionScaling(), longCtx.attentionScaling(), "the scaling does not depend on the length");
    }

    @Test
    void phi3WithoutScalingIsPlainRope() {
        RopeFrequencies r = RopeScaling.invFreq(Configs.load("phi-3-mini-4k-instruct"));
        assertEquals(48, r.invFreq().length);
        assertEquals(1f, r.attentionScaling());
        assertEquals(0.01f, r.invFreq()[24]); // 10000^(-48/96)
    }

    @Test
    void yarnOnQwen25() {
        // Qwen2.5's documented long-context setting: {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768}
        String json = Configs.text("qwen2.5-0.5b").replace("\"rope_theta\"",
                "\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768}, \"rope_theta\"");
        ModelConfig c = ModelConfig.parse(json);
        assertEquals(RopeScaling.yarn(4.0, 32768), c.ropeScaling());
        RopeFrequencies r = RopeScaling.invFreq(c);
        float[] inv = r.invFreq();
        float[] plain = RopeScaling.invFreq(Configs.load("qwen2.5-0.5b")).invFreq();
        // correction range: dim * ln(32768 / (beta * 2 pi)) / (2 ln 1e6) for beta 32 and 1 = 11.80 and 19.83,
        // floored/ceiled to [11, 20]: entries up to 11 extrapolate (unchanged), from 20 on interpolate (/ 4),
        // and the ramp (i - 11) / 9 blends the ones between
        assertEquals(1f, inv[0]);
        for (int i = 0; i <= 11; i++) assertEquals(plain[i], inv[i], "entry " + i + " unchanged");
        for (int i = 20; i < 32; i++) assertEquals(1f / (4f * (1f / plain[i])), inv[i], plain[i] * 1e-6f, "entry " + i + " interpolated");
        assertEquals(bits(0x3dec7fd6), inv[5]);   // 0.1154782 = 1e6^(-10/64)
        assertEquals(bits(0x3a868f93), inv[15]);  // 0.0010266177: ramp 4/9
        assertEquals(bits(0x383a7753), inv[20]);  // 4.4456985e-05
        assertEquals(bits(0x34ceaf79), inv[31]);  // 3.8498163e-07
        // attention factor 0.1 * ln(4) + 1
        assertEquals((float) (0.1 * Math.log(4) + 1), r.attentionScaling());
    }

    @Test
    void legacyTypeKeyAndParametersRoundTrip() {
        String json = Configs.text("mistral-7b-v0.1").replace("\"rope_theta\"", "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2}, \"rope_theta\"");
        ModelConfig c = ModelConfig.parse(json);
        assertEquals(RopeScaling.linear(2.0), c.ropeScaling());
        assertEquals(c, ModelConfig.parse(c.toJson()));
        assertTrue(c.toJson().contains("\"rope_type\":\"linear\""), c.toJson());
    }

    @Test
    void partialRotaryFactorShrinksTheRotatedDims() {
        ModelConfig c = Configs.load("phi-3-mini-4k-instruct").toBuilder().partialRotaryFactor(0.75).build();
        assertEquals(72, c.rotaryDim()); // int(96 * 0.75)
        float[] inv = RopeScaling.invFreq(c).invFreq();
        assertEquals(36, inv.length);
        assertEquals((float) (1 / Math.pow(10000, 2.0 / 72)), inv[1], 1e-7f);
        assertEquals(c, ModelConfig.parse(c.toJson()));
    }

    @Test
    void invalidScalingIsRefusedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> RopeScaling.linear(0));
        assertThrows(IllegalArgumentException.class, () -> RopeScaling.llama3(8, 4, 1, 8192), "high must exceed low");
        assertThrows(IllegalArgumentException.class, () -> RopeScaling.invFreq(Configs.load("mistral-7b-v0.1"), -1));
    }
}
