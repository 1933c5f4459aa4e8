package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.pipeline.SharedTokenizers;
import dev.fastdraft.pipeline.draft.ParameterCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** init-draft on a Llama-3.2-1B config.json (no weights) with the real Llama 3 tokenizer files. */
class InitDraftCommandTest {
    @TempDir
    static Path dir;
    static Path target;

    /** Llama-3.2-1B's config.json as published (weights are not needed). */
    static final String LLAMA_3_2_1B = """
            {
              "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
              "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "head_dim": 64, "hidden_act": "silu",
              "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192, "max_position_embeddings": 131072,
              "mlp_bias": false, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 16,
              "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
              "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                               "original_max_position_embeddings": 8192, "rope_type": "llama3"},
              "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true, "vocab_size": 128256
            }
            """;

    @BeforeAll
    static void targetDir() throws Exception {
        target = Files.createDirectories(dir.resolve("llama-3.2-1b"));
        Files.writeString(target.resolve("config.json"), LLAMA_3_2_1B);
    }

    static long number(String out, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+([0-9,]+)").matcher(out);
        assertTrue(m.find(), label + " in:\n" + out);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void draftIsALoadableModelOfTheTargetsFamilyWithItsTokenizer() throws Exception {
        Path tok = SharedTokenizers.require("llama-3.1");
        Path withTok = Files.createDirectories(dir.resolve("target-with-tokenizer"));
        Files.writeString(withTok.resolve("config.json"), LLAMA_3_2_1B);
        Files.copy(tok.resolve("tokenizer.json"), withTok.resolve("tokenizer.json"));
        Files.copy(tok.resolve("tokenizer_config.json"), withTok.resolve("tokenizer_config.json"));
        Path out = dir.resolve("draft");
        CliRun r = cli("init-draft", "--target", withTok.toString(), "--layers", "2", "--hidden", "128", "--heads", "2", "--seed", "5", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());

        ModelConfig target = ModelConfig.load(withTok.resolve("config.json"));
        try (LlamaLoader.Loaded draft = LlamaLoader.open(out)) {
            ModelConfig c = draft.model().config();
            assertEquals(2, c.numLayers());
            assertEquals(128, c.hiddenSize());
            assertEquals(64, c.headDim());
            assertEquals(1, c.numKvHeads(), "the target's group of 4 query heads per key/value head, capped at 2 heads");
            assertEquals(384, c.intermediateSize(), "the multiple of 64 nearest 2.75 x 128 = 352");
            assertTrue(c.tieWordEmbeddings());
            assertEquals(target.vocabSize(), c.vocabSize());
            assertArrayEquals(target.eosTokenIds(), c.eosTokenIds());
            assertEquals(target.ropeScaling(), c.ropeScaling());
            long params = draft.model().parameterCount();
            assertEquals(params, number(r.out(), "draft parameters:"));
            assertEquals(ParameterCount.total(c), params);
            assertEquals(1_235_814_400L, number(r.out(), "target parameters:"));
            assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "target/draft ratio: %.1fx", 1_235_814_400.0 / params)), r.out());
        }
        assertArrayEquals(Files.readAllBytes(tok.resolve("tokenizer.json")), Files.readAllBytes(out.resolve("tokenizer.json")));
        assertTrue(Files.exists(out.resolve("tokenizer_config.json")));
        // a draft of a draft: the output is itself a valid target directory
        CliRun again = cli("init-draft", "--target", out.toString(), "--layers", "1", "--hidden", "64", "--dtype", "bf16", "--out", dir.resolve("draft2").toString());
        assertEquals(0, again.rc(), again.err());
        assertEquals("bfloat16", ModelConfig.load(dir.resolve("draft2")).torchDtype());
    }

    @Test
    void untiedDraftWithoutTokenizerFilesSaysSo() throws Exception {
        Path out = dir.resolve("untied");
        CliRun r = cli("init-draft", "--target", target.toString(), "--layers", "1", "--hidden", "64", "--untied", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("has no tokenizer.json"), r.err());
        try (LlamaLoader.Loaded draft = LlamaLoader.open(out)) {
            assertFalse(draft.model().config().tieWordEmbeddings());
            assertEquals(draft.model().parameterCount(), number(r.out(), "draft parameters:"));
            // two embeddings; one layer of q, k, v, o (one 64-wide head each), a 192-wide MLP and two norms; the final norm
            assertEquals(2L * 128256 * 64 + (4 * 64 * 64 + 3 * 64 * 192 + 2 * 64) + 64, draft.model().parameterCount());
        }
    }

    @Test
    void existingModelIsKeptUnlessForced() throws Exception {
        Path out = dir.resolve("twice");
        assertEquals(0, cli("init-draft", "--target", target.toString(), "--layers", "1", "--hidden", "64", "--out", out.toString()).rc());
        byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
        CliRun refused = cli("init-draft", "--target", target.toString(), "--layers", "1", "--hidden", "64", "--seed", "9", "--out", out.toString());
        assertEquals(2, refused.rc());
        assertEquals("error: --out " + out + " already holds a model (config.json); choose another directory or add --force to replace it", refused.err().trim());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")));
        Files.writeString(out.resolve("checkpoint.safetensors"), "stale training state");
        CliRun forced = cli("init-draft", "--target", target.toString(), "--layers", "1", "--hidden", "64", "--seed", "9", "--force", "--out", out.toString());
        assertEquals(0, forced.rc(), forced.err());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("model.safetensors"))), "a new seed, new weights");
        assertFalse(Files.exists(out.resolve("checkpoint.safetensors")), "a replaced model's training checkpoint would resume the wrong model");
        try (var files = Files.list(out)) {
            assertEquals(java.util.Set.of("config.json", "model.safetensors"), files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "no build directory left behind");
        }
    }

    @Test
    void sizesPastAnArrayOrTheHeapAreRefusedUpFrontAndKeepTheOldModel() throws Exception {
        Path out = dir.resolve("kept");
        assertEquals(0, cli("init-draft", "--target", target.toString(), "--layers", "1", "--hidden", "64", "--out", out.toString()).rc());
        byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
        // 128256 x 65536 would have wrapped to a 0-length array; the old model was deleted before the failure
        CliRun r = cli("init-draft", "--target", target.toString(), "--layers", "1", "--hidden", "65536", "--force", "--out", out.toString());
        assertEquals(2, r.rc(), r.err());
        assertEquals("error: the draft is too large: its embedding (vocab_size x hidden_size) would hold 128,256 x 65,536 = 8.41e+09 values, "
                + "more than one Java array holds (2,147,483,639); choose a smaller --hidden, --intermediate or --layers", r.err().trim());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")));
        assertTrue(Files.exists(out.resolve("config.json")));

        Path fresh = dir.resolve("never-made");
        CliRun wide = cli("init-draft", "--target", target.toString(), "--hidden", "1000000", "--out", fresh.toString());
        assertEquals(2, wide.rc(), wide.err());
        assertTrue(wide.err().startsWith("error: the draft is too large: its embedding"), wide.err());
        CliRun deep = cli("init-draft", "--target", target.toString(), "--layers", "100000", "--out", fresh.toString());
        assertEquals(2, deep.rc(), deep.err());
        assertTrue(deep.err().matches("error: the draft is too large: [0-9,]+ parameters need about [0-9.]+ GiB of Java heap \\(F32 weights\\), but this JVM "
                + "may use at most [0-9.]+ GiB; choose a smaller --hidden, --intermediate or --layers, or give Java more heap \\(java -Xmx...\\)\\s*"), deep.err());
        assertFalse(Files.exists(fresh), "no empty --out left behind");
    }

    @Test
    void badInputGetsOneLineErrors() throws Exception {
        Path noConfig = Files.createDirectories(dir.resolve("empty-target"));
        assertError("error: --target: " + noConfig + " has no config.json; init-draft derives the draft from the target's Hugging Face config.json",
                "init-draft", "--target", noConfig.toString(), "--out", dir.resolve("x").toString());
        assertError("error: hidden size 100 is not divisible by 3 heads; give --heads dividing --hidden",
                "init-draft", "--target", target.toString(), "--hidden", "100", "--heads", "3", "--out", dir.resolve("x").toString());
        assertError("error: 4 heads are not divisible by 3 key/value heads; give --kv-heads dividing --heads",
                "init-draft", "--target", target.toString(), "--hidden", "256", "--heads", "4", "--kv-heads", "3", "--out", dir.resolve("x").toString());
        assertError("error: --dtype must be f32 or bf16, got 'f16'",
                "init-draft", "--target", target.toString(), "--dtype", "f16", "--out", dir.resolve("x").toString());
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertError("error: --out " + file + " exists and is not a directory; --out must be a directory (it is created if missing)", "init-draft", "--target", target.toString(), "--hidden", "64", "--out", file.toString());
        assertError("error: cannot create --out " + file.resolve("sub") + " (FileSystemException: " + file.resolve("sub") + ": Not a directory); choose a writable directory",
                "init-draft", "--target", target.toString(), "--hidden", "64", "--out", file.resolve("sub").toString());
        assertError("error: --out is the target directory " + target + "; give the draft a directory of its own",
                "init-draft", "--target", target.toString(), "--force", "--out", target.toString());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written on bad input");
    }

    static void assertError(String expected, String... args) {
        CliRun r = cli(args);
        assertEquals(2, r.rc(), r.err());
        assertEquals(expected, r.err().trim());
    }
}
