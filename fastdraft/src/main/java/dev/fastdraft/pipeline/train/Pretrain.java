package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.HfExport;
import dev.fastdraft.pipeline.TokenFile;
import dev.fastdraft.pipeline.draft.ModelSize;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Pre-training a draft on a token corpus (issue item 3): the draft directory's weights are trained for a
 * token budget and written back in Hugging Face layout, by default over the draft itself. The old weights
 * stay in place until the run has finished: the new ones replace them atomically, and an interrupted run
 * resumes from its checkpoint.
 */
public final class Pretrain {
    private Pretrain() {}

    /** What a run ended with; {@code valLoss} is empty without validation data. */
    public record Result(Path out, long steps, double trainLoss, OptionalDouble valLoss) {
        public OptionalDouble valPerplexity() {
            return valLoss.isPresent() ? OptionalDouble.of(Math.exp(valLoss.getAsDouble())) : OptionalDouble.empty();
        }
    }

    /** Optimizer steps that consume about {@code tokens} tokens (whole steps only). */
    public static long steps(long tokens, int seqLen, int batch, int accumulation) {
        long perStep = (long) seqLen * batch * accumulation;
        long steps = tokens / perStep;
        if (steps < 1) {
            throw new IllegalArgumentException("--tokens " + tokens + " is less than one optimizer step of " + perStep + " tokens (batch " + batch
                    + " x accum " + accumulation + " x seq-len " + seqLen + ")");
        }
        return steps;
    }

    /**
     * The defaults of the pretrain command: AdamW (0.9, 0.95, eps 1e-8, weight decay 0.1), linear warm-up over 5%
     * of the steps then cosine decay to lr/10, gradient clip 1, shuffled windows, validation and checkpoints
     * every 10% of the run.
     */
    public static TrainConfig config(long tokens, int seqLen, int batch, double lr) {
        long steps = steps(tokens, seqLen, batch, 1);
        int tenth = (int) Math.max(1, steps / 10);
        return new TrainConfig(seqLen, batch, 1, steps, new LrSchedule.WarmupCosine(lr, steps / 20, steps, lr / 10),
                new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1), 1.0, "shuffled", 1234, tenth, 8, tenth);
    }

    /**
     * Trains the draft in {@code draft} on {@code data} (uint32 token file) and saves it to {@code out}
     * (null: back into {@code draft}). {@code valData} may be null.
     */
    public static Result run(Path draft, Path data, Path valData, TrainConfig config, Path out, boolean resume, DType saveAs, PrintStream log)
            throws IOException {
        Path target = out == null ? draft : out;
        ModelSize.check(ModelConfig.load(draft.resolve("config.json")), 4, "the draft " + draft, "pre-train a smaller draft (init-draft)");
        LlamaModel model = LlamaLoader.trainable(draft);
        checkFits(model, config);
        Files.createDirectories(target);
        if (!Files.isWritable(target)) throw new IllegalArgumentException("cannot write to " + target + "; choose a writable --out");
        Trainer trainer = new Trainer(model, config, "pretrain", java.util.Map.of());
        trainer.start(target, resume, log);
        try (TokenFile train = TokenFile.open(data); TokenFile val = valData == null ? null : TokenFile.open(valData)) {
            checkIds(train, model.vocabSize());
            if (val != null) checkIds(val, model.vocabSize());
            log.printf(Locale.ROOT, "pretrain: %s, %,d parameters; %,d steps of %d x %d tokens (%,d tokens, %.2f epochs of %s)%n",
                    model.config().architecture().hfClass(), model.parameterCount(), config.steps(), config.rowsPerStep(), config.seqLen(),
                    config.steps() * config.tokensPerStep(), (double) config.steps() * config.tokensPerStep() / Math.max(1, train.length()), data);
            trainer.run(train, val, target, log);
        }
        HfExport.save(model, target, saveAs, draft);
        Files.deleteIfExists(TrainConfig.checkpointFile(target));
        List<Double> losses = trainer.losses();
        List<double[]> vl = trainer.validationLosses();
        return new Result(target, trainer.step(), losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1),
                vl.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(vl.get(vl.size() - 1)[1]));
    }

    static void checkFits(LlamaModel model, TrainConfig config) {
        int context = model.maxPositions();
        if (config.seqLen() > context) {
            throw new IllegalArgumentException("--seq-len " + config.seqLen() + " is longer than the draft's context of " + context
                    + " tokens (max_position_embeddings); use --seq-len " + context + " or less");
        }
    }

    /**
     * Refuses a corpus made with another tokenizer before any training: one sequential pass over the mapped
     * file, instead of a failure at whichever step first reads a bad window.
     */
    static void checkIds(TokenFile file, int vocab) {
        long n = file.length();
        for (long i = 0; i < n; i++) {
            int id = file.get(i);
            if (id >= vocab) {
                throw new IllegalArgumentException(file.path() + ": token id " + id + " at index " + i + " is outside the draft's vocabulary of "
                        + vocab + "; the data was made with another tokenizer than the draft's");
            }
        }
    }
}
