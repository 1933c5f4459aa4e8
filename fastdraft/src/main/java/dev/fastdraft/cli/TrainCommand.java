package dev.fastdraft.cli;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.HfExport;
import dev.fastdraft.pipeline.TokenFile;
import dev.fastdraft.pipeline.draft.ModelSize;
import dev.fastdraft.pipeline.train.TrainConfig;
import dev.fastdraft.pipeline.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code train}: AdamW training of a Llama-family model on a token file. */
public final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a model (from --init DIR or a fresh --config) on a uint32 token file";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--init", "DIR", "Hugging Face model directory to start from (config.json + safetensors)"),
                Option.value("--config", "FILE", "config.json of a new model, randomly initialised (instead of --init)"),
                Option.value("--tokenizer", "DIR", "copy tokenizer files from DIR into --out (default: from --init)"),
                Option.value("--data", "FILE", "training tokens: little-endian uint32, no header"),
                Option.value("--val-data", "FILE", "validation tokens; loss and perplexity every --val-every steps"),
                Option.value("--seq-len", "T", "tokens per sequence"),
                Option.value("--batch", "B", "sequences per micro-batch"),
                Option.value("--accum", "N", "micro-batches per optimizer step (default 1)"),
                Option.value("--steps", "N", "optimizer steps (required)"),
                Option.value("--lr", "LR", "peak learning rate, > 0 (default 1e-3)"),
                Option.value("--schedule", "S", "constant | cosine (linear warm-up, cosine decay to --min-lr); default constant"),
                Option.value("--warmup", "N", "warm-up steps for cosine (default 0)"),
                Option.value("--min-lr", "LR", "floor of the cosine decay, between 0 and --lr (default lr/10)"),
                Option.value("--weight-decay", "WD", "AdamW decoupled weight decay on matrices (default 0.1)"),
                Option.value("--beta1", "B1", "AdamW beta1 (default 0.9)"),
                Option.value("--beta2", "B2", "AdamW beta2 (default 0.95)"),
                Option.value("--eps", "E", "AdamW epsilon (default 1e-8)"),
                Option.value("--grad-clip", "C", "global gradient-norm clip; 0 disables (default 1.0)"),
                Option.value("--data-order", "O", "sequential | shuffled (default sequential)"),
                Option.value("--seed", "S", "seed for initialisation and data order (default 1234)"),
                Option.value("--val-every", "N", "validation interval in steps, >= 1; also at the end (default 100)"),
                Option.value("--val-batches", "N", "validation batches per evaluation (default 8)"),
                Option.value("--checkpoint-every", "N", "checkpoint interval in steps (default 0: only at the end)"),
                Option.flag("--resume", "continue from the checkpoint in --out"),
                Option.value("--save-dtype", "D", "dtype of the saved model: f32 | bf16 (default f32)"),
                Option.value("--log-json", "FILE", "write {\"loss\": [...], ...} here (after the model; also when training fails)"),
                Option.value("--out", "DIR", "output directory: the trained model in Hugging Face layout"),
                Option.value("--threads", "T", "worker threads (default: physical cores)"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        Path out = a.path("--out");
        Path dataPath = a.path("--data");
        long seed = a.longValue("--seed", 1234);
        if (a.has("--init") == a.has("--config")) throw new UserError("train needs exactly one of --init DIR or --config FILE");
        if (!a.has("--steps")) throw new UserError("train needs --steps N (the number of optimizer steps; there is no default)");
        long steps = a.longValue("--steps", 1);
        TrainConfig cfg = TrainingOptions.config(a, a.integer("--seq-len"), a.integer("--batch"), steps, TrainingOptions.Defaults.TRAIN);
        DType saveAs = TrainingOptions.saveDtype(a);
        Path logFile = a.has("--log-json") ? a.path("--log-json") : null;
        if (logFile != null) OutputFolder.checkFile("--log-json", logFile);
        ModelConfig mc = ModelConfig.load(a.has("--init") ? a.path("--init").resolve("config.json") : a.path("--config"));
        ModelSize.check(mc, 4, "the model", "train a smaller model");
        Path tokenizerFrom = a.has("--tokenizer") ? a.path("--tokenizer") : a.has("--init") ? a.path("--init") : null;

        OutputFolder folder = OutputFolder.create("--out", out);
        Trainer trainer;
        try {
            LlamaModel model = a.has("--init") ? LlamaLoader.trainable(a.path("--init")) : LlamaLoader.initialize(mc, seed, 0.02);
            trainer = new Trainer(model, cfg);
            trainer.start(out, a.flag("--resume"), console.err());
            console.err().printf(Locale.ROOT, "model: %s, %,d parameters; %d steps of %d x %d tokens%n",
                    model.config().architecture().hfClass(), model.parameterCount(), steps, cfg.rowsPerStep(), cfg.seqLen());
            try (TokenFile data = TokenFile.open(dataPath); TokenFile val = a.has("--val-data") ? TokenFile.open(a.path("--val-data")) : null) {
                trainer.run(data, val, out, console.err());
            } catch (Exception e) {
                // the losses up to a failure (a diverged run) are worth keeping; the failure is what to report
                if (logFile != null) {
                    try {
                        writeLog(logFile, trainer);
                    } catch (java.io.IOException logFailed) {
                        e.addSuppressed(logFailed);
                    }
                }
                throw e;
            }
            // the model first: a log that cannot be written must not cost the trained weights
            HfExport.save(model, out, saveAs, tokenizerFrom);
        } catch (Throwable t) {
            folder.removeIfEmpty();
            throw t;
        }
        Files.deleteIfExists(TrainConfig.checkpointFile(out));
        console.err().println("saved " + out);
        if (logFile != null) writeLog(logFile, trainer);
        return 0;
    }

    private static void writeLog(Path file, Trainer trainer) throws java.io.IOException {
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("loss", trainer.losses());
        log.put("val_loss", trainer.validationLosses().stream().map(v -> List.of((long) v[0], v[1])).toList());
        byte[] bytes = Json.write(log).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(OutputFolder.withParents(file), ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
    }
}
