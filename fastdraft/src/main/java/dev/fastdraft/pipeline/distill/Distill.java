package dev.fastdraft.pipeline.distill;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.CrossEntropy;
import dev.fastdraft.autograd.LrSchedule;
import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.HfExport;
import dev.fastdraft.pipeline.draft.ModelSize;
import dev.fastdraft.pipeline.train.Batch;
import dev.fastdraft.pipeline.train.BatchSource;
import dev.fastdraft.pipeline.train.DataOrder;
import dev.fastdraft.pipeline.train.TrainConfig;
import dev.fastdraft.pipeline.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

/**
 * Sequence-level knowledge distillation (issue item 5): the draft is fine-tuned on the target's own
 * completions with cross-entropy on the completion tokens only (prompt tokens and padding are masked), and
 * optionally a KL or total-variation term against the target's stored top-k distribution ({@link DistillLoss}).
 * One example per row, padded on the right ({@link DistillExample#fillRow}); the result is a complete
 * Hugging Face draft directory.
 */
public final class Distill {
    private Distill() {}

    /** The loss and how the data is split; {@code kdWeight} scales the KL/TV term (ignored for ce). */
    public record Settings(DistillLoss.Kind loss, float kdWeight) {
        public Settings {
            if (!(kdWeight >= 0) || Float.isInfinite(kdWeight)) throw new IllegalArgumentException("--kd-weight must be >= 0, got " + kdWeight);
        }
    }

    /** Validation loss (mean cross-entropy per completion token) before and after, when there is a validation split. */
    public record Result(Path out, long steps, double trainLoss, OptionalDouble valLossBefore, OptionalDouble valLossAfter, HfExport.Report export) {}

    /** Steps for {@code epochs} passes over the training examples (at least one). */
    public static long steps(DistillData data, double epochs, int rowsPerStep) {
        if (!(epochs > 0)) throw new IllegalArgumentException("--epochs must be > 0, got " + epochs);
        return Math.max(1, (long) Math.ceil(epochs * data.train().size() / rowsPerStep));
    }

    /**
     * The distill command's defaults: AdamW (0.9, 0.95, eps 1e-8, weight decay 0.1), warm-up over 5% of the steps
     * then cosine to lr/10, clip 1, examples shuffled per epoch, validation and checkpoints every 10% of the run.
     */
    public static TrainConfig config(long steps, int seqLen, int batch, double lr) {
        int tenth = (int) Math.max(1, steps / 10);
        return new TrainConfig(seqLen, batch, 1, steps, new LrSchedule.WarmupCosine(lr, steps / 20, steps, lr / 10),
                new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1), 1.0, "shuffled", 1234, tenth, 8, tenth);
    }

    /** Fine-tunes the draft in {@code draft} on {@code data} and writes the result to {@code out}. */
    public static Result run(Path draft, DistillData data, TrainConfig config, Settings s, Path out, boolean resume, DType saveAs, PrintStream log)
            throws IOException {
        if (draft.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("distill: --out must differ from --draft (the pre-trained draft is the baseline to compare with)");
        }
        ModelSize.check(ModelConfig.load(draft.resolve("config.json")), 4, "the draft " + draft, "distill a smaller draft (init-draft)");
        LlamaModel model = LlamaLoader.trainable(draft);
        int context = model.maxPositions(), seqLen = config.seqLen(), vocab = model.vocabSize();
        if (seqLen > context) {
            throw new IllegalArgumentException("--seq-len " + seqLen + " is longer than the draft's context of " + context + " tokens; use --seq-len " + context + " or less");
        }
        if (s.loss() != DistillLoss.Kind.CE && data.topK() == 0) {
            throw new IllegalArgumentException(data.file() + " has no stored top-k probabilities; --loss " + s.loss().name().toLowerCase(Locale.ROOT)
                    + " needs data made by synth --store-topk K (or use --loss ce)");
        }
        int pad = model.config().padTokenId() == null ? 0 : model.config().padTokenId();
        int rows = config.batch();
        List<DistillExample> train = data.train();
        // an example is a window of length 1 over the example list: shuffled order is a new permutation per epoch
        DataOrder order = switch (config.dataOrder()) {
            case "sequential" -> new DataOrder.Sequential(train.size(), 1);
            case "shuffled" -> new DataOrder.Shuffled(train.size(), 1, config.seed());
            default -> throw new IllegalArgumentException("--data-order must be 'sequential' or 'shuffled', got '" + config.dataOrder() + "'");
        };
        int k = s.loss() == DistillLoss.Kind.CE ? 0 : data.topK();
        BatchSource batches = index -> {
            int[] in = new int[rows * seqLen], tgt = new int[rows * seqLen];
            int[] ids = k > 0 ? new int[rows * seqLen * k] : null;
            float[] probs = k > 0 ? new float[rows * seqLen * k] : null;
            for (int b = 0; b < rows; b++) {
                DistillExample ex = train.get((int) order.offset(index * rows + b));
                ex.fillRow(b, seqLen, pad, CrossEntropy.IGNORE, in, tgt, k, ids, probs);
            }
            if (k == 0) return Batch.nextToken(in, tgt, rows, seqLen);
            DistillLoss.SoftTargets soft = new DistillLoss.SoftTargets(k, ids, probs);
            return Batch.of(tgt, m -> DistillLoss.mean(m.logits(m.hidden(in, rows, seqLen, null)), tgt, soft, s.loss(), s.kdWeight()));
        };
        DoubleSupplier validation = data.validation().isEmpty() ? null : () -> validate(model, data.validation(), config, pad);
        // values as older checkpoints' fingerprints held them (Trainer), so that those still resume
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("--loss", s.loss().toString());
        settings.put("--kd-weight", Float.toString(s.kdWeight()));
        settings.put("the number of training examples", Integer.toString(train.size()));
        settings.put("the number of completion tokens", Long.toString(data.completionTokens()));
        Trainer trainer = new Trainer(model, config, "distill", settings);
        Files.createDirectories(out);
        trainer.start(out, resume, log);
        log.printf(Locale.ROOT, "distill: %,d training examples (%,d completion tokens), %,d validation; %,d steps of %d x %d tokens, loss %s%s%n",
                train.size(), data.completionTokens(), data.validation().size(), config.steps(), config.rowsPerStep(), seqLen,
                s.loss().name().toLowerCase(Locale.ROOT), s.loss() == DistillLoss.Kind.CE ? "" : String.format(Locale.ROOT, " (top-%d, weight %.3g)", k, s.kdWeight()));
        int truncated = 0;
        for (DistillExample e : train) if (e.length() > seqLen + 1) truncated++;
        if (truncated > 0) log.println("distill: " + truncated + " examples are longer than --seq-len " + seqLen + " + 1 and are cut (prompt start first)");
        OptionalDouble before = validation == null ? OptionalDouble.empty() : OptionalDouble.of(validation.getAsDouble());
        if (before.isPresent()) log.printf(Locale.ROOT, "distill: validation loss %.4f before training%n", before.getAsDouble());
        trainer.run(batches, validation, out, log);
        HfExport.save(model, out, saveAs, draft);
        Files.deleteIfExists(TrainConfig.checkpointFile(out));
        OptionalDouble after = validation == null ? OptionalDouble.empty() : OptionalDouble.of(validation.getAsDouble());
        List<Double> losses = trainer.losses();
        return new Result(out, trainer.step(), losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1), before, after, HfExport.check(out));
    }

    /** Mean cross-entropy per completion token over up to valBatches batches of the validation examples (no tape). */
    public static double validate(LlamaModel model, List<DistillExample> examples, TrainConfig config, int pad) {
        int rows = config.batch(), seqLen = config.seqLen();
        int use = (int) Math.min(examples.size(), (long) Math.max(1, config.valBatches()) * rows);
        double sum = 0;
        long count = 0;
        for (int from = 0; from < use; from += rows) {
            int[] in = new int[rows * seqLen], tgt = new int[rows * seqLen];
            java.util.Arrays.fill(in, pad);
            java.util.Arrays.fill(tgt, CrossEntropy.IGNORE);
            for (int b = 0; b < rows && from + b < use; b++) examples.get(from + b).fillRow(b, seqLen, pad, CrossEntropy.IGNORE, in, tgt, 0, null, null);
            int n = 0;
            for (int t : tgt) if (t != CrossEntropy.IGNORE) n++;
            if (n == 0) continue;
            sum += model.loss(in, tgt, rows, seqLen).value().get(0) * (double) n;
            count += n;
        }
        return count == 0 ? Double.NaN : sum / count;
    }
}
