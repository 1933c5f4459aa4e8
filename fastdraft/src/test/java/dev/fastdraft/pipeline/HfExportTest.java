package dev.fastdraft.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved draft is a Hugging Face checkpoint: it reloads, and config.json says what transformers reads. */
class HfExportTest {
    @TempDir
    Path dir;

    @Test
    void savedDraftReloadsWithTheFieldsTransformersNeeds() throws Exception {
        Path tok = dir.resolve("tok");
        TinyModels.writeTokenizer(tok);
        LlamaModel m = LlamaLoader.initialize(TinyModels.config(16, 1, 64), 1, 0.1);
        Path out = dir.resolve("draft");
        HfExport.save(m, out, DType.BF16, tok);

        try (LlamaLoader.Loaded back = LlamaLoader.open(out)) {
            assertEquals(m.parameterCount(), back.model().parameterCount());
            assertEquals("BF16", back.checkpoint().info("model.embed_tokens.weight").dtypeName());
        }
        Map<String, Object> c = Json.parseObject(Files.readString(out.resolve("config.json")));
        // the fields transformers' LlamaConfig needs to rebuild this model, listed here independently of HfExport
        for (String f : List.of("architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "max_position_embeddings", "rms_norm_eps", "rope_theta", "hidden_act",
                "tie_word_embeddings", "torch_dtype")) {
            assertNotNull(c.get(f), "config.json lacks " + f);
        }
        assertEquals(List.of("LlamaForCausalLM"), c.get("architectures"));
        assertEquals("llama", c.get("model_type"));
        assertEquals((long) TinyModels.VOCAB, c.get("vocab_size"));
        assertEquals("bfloat16", c.get("torch_dtype"));
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")) && Files.isRegularFile(out.resolve("tokenizer_config.json")));
        HfExport.Report r = HfExport.check(out);
        assertTrue(r.ok() && r.warnings().isEmpty(), r.summary());
    }

    @Test
    void checkFindsWhatIsMissingOrWrong() throws Exception {
        LlamaModel m = LlamaLoader.initialize(TinyModels.config(16, 1, 64), 1, 0.1);
        Path out = dir.resolve("bare");
        HfExport.save(m, out, DType.F32, null);
        HfExport.Report bare = HfExport.check(out);
        assertTrue(bare.ok(), bare.summary());
        assertTrue(bare.warnings().get(0).contains("no tokenizer.json"), bare.summary());

        String config = Files.readString(out.resolve("config.json"));
        Files.writeString(out.resolve("config.json"), config.replace("\"float32\"", "\"bfloat16\""));
        HfExport.Report wrong = HfExport.check(out);
        assertFalse(wrong.ok());
        assertTrue(wrong.summary().contains("torch_dtype bfloat16 but the weights are stored as float32"), wrong.summary());

        Files.writeString(out.resolve("config.json"), config.replaceAll("\\s*\"torch_dtype\": \"float32\",?", ""));
        HfExport.Report missing = HfExport.check(out);
        assertTrue(missing.summary().contains("lacks 'torch_dtype'"), missing.summary());

        Files.delete(out.resolve("model.safetensors"));
        assertTrue(HfExport.check(out).summary().contains("the weights do not load"), HfExport.check(out).summary());
    }
}
