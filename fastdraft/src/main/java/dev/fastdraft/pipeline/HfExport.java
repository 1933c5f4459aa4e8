package dev.fastdraft.pipeline;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.checkpoint.Checkpoint;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model directory in Hugging Face layout (config.json, model.safetensors, tokenizer files), the form in
 * which every trained draft leaves the pipeline, so that transformers loads it as an assistant model.
 */
public final class HfExport {
    /** config.json fields transformers' Llama-family config classes read without a default we rely on. */
    public static final List<String> REQUIRED_CONFIG_FIELDS = List.of("architectures", "model_type", "vocab_size", "hidden_size",
            "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "max_position_embeddings",
            "rms_norm_eps", "rope_theta", "hidden_act", "tie_word_embeddings", "torch_dtype");

    private HfExport() {}

    /** What a check found: errors make the directory unusable, warnings limit it (no tokenizer...). */
    public record Report(Path dir, List<String> errors, List<String> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** One line for a log. */
        public String summary() {
            if (!ok()) return dir + " is not a usable Hugging Face checkpoint: " + String.join("; ", errors);
            return dir + " is a complete Hugging Face checkpoint" + (warnings.isEmpty() ? "" : " (" + String.join("; ", warnings) + ")");
        }
    }

    /** The config.json name of a storage dtype. */
    public static String torchDtype(DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
        };
    }

    /**
     * Writes model.safetensors (as {@code dtype}), a config.json whose torch_dtype says so, and the tokenizer
     * files of {@code tokenizerFrom} (null: none). Each file is replaced atomically.
     */
    public static void save(LlamaModel model, Path dir, DType dtype, Path tokenizerFrom) throws IOException {
        LlamaLoader.save(model, dir, dtype);
        ModelConfig c = model.config();
        if (!torchDtype(dtype).equals(c.torchDtype())) c.toBuilder().torchDtype(torchDtype(dtype)).build().write(dir.resolve("config.json"));
        if (tokenizerFrom != null) ModelFiles.copyTokenizer(tokenizerFrom, dir);
    }

    /** Checks that {@code dir} loads here and has what transformers needs (issue item 8). */
    public static Report check(Path dir) {
        List<String> errors = new ArrayList<>(), warnings = new ArrayList<>();
        Path configFile = dir.resolve("config.json");
        Map<String, Object> raw = null;
        try {
            raw = Json.parseObject(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            errors.add("config.json unreadable: " + e.getMessage());
        }
        if (raw != null) {
            for (String f : REQUIRED_CONFIG_FIELDS) if (raw.get(f) == null) errors.add("config.json lacks '" + f + "'");
        }
        int vocab = -1;
        try (LlamaLoader.Loaded loaded = LlamaLoader.open(dir)) {
            vocab = loaded.model().vocabSize();
            String dtype = storedMatrixDtype(loaded.checkpoint());
            Object declared = raw == null ? null : raw.get("torch_dtype");
            if (declared != null && dtype != null && !declared.equals(dtype)) {
                errors.add("config.json says torch_dtype " + declared + " but the weights are stored as " + dtype);
            }
        } catch (IOException | RuntimeException e) {
            errors.add("the weights do not load: " + e.getMessage());
        }
        if (!Files.isRegularFile(dir.resolve(Tokenizer.TOKENIZER_JSON))) {
            warnings.add("no tokenizer.json: use the target's tokenizer with it");
        } else {
            try {
                Tokenizer tok = Tokenizer.load(dir);
                if (vocab > 0 && tok.vocabSize() > vocab) errors.add("the tokenizer has " + tok.vocabSize() + " tokens, more than the model's vocabulary of " + vocab);
            } catch (IOException | RuntimeException e) {
                errors.add("tokenizer.json does not load: " + e.getMessage());
            }
            if (!Files.isRegularFile(dir.resolve(Tokenizer.TOKENIZER_CONFIG_JSON))) warnings.add("no tokenizer_config.json");
        }
        if (Files.exists(TrainConfig.checkpointFile(dir))) warnings.add("a training checkpoint.safetensors is still in the directory (an unfinished run?)");
        return new Report(dir, List.copyOf(errors), List.copyOf(warnings));
    }

    /** The dtype the matrices of the model in {@code dir} are stored in (F32 when it has none or an unknown one). */
    public static DType storedDtype(Path dir) throws IOException {
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            String t = storedMatrixDtype(ckpt);
            return "bfloat16".equals(t) ? DType.BF16 : "float16".equals(t) ? DType.F16 : DType.F32;
        }
    }

    /** The torch name of the dtype of the first matrix, or null when there is none. */
    private static String storedMatrixDtype(Checkpoint ckpt) {
        for (String name : ckpt.names()) {
            var info = ckpt.info(name);
            if (info.shape().length == 2) {
                return switch (info.dtypeName()) {
                    case "F32" -> "float32";
                    case "BF16" -> "bfloat16";
                    case "F16" -> "float16";
                    default -> info.dtypeName();
                };
            }
        }
        return null;
    }
}
