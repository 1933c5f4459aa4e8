package dev.fastdraft.cli;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.pipeline.distill.Distill;
import dev.fastdraft.pipeline.distill.DistillData;
import dev.fastdraft.pipeline.distill.DistillLoss;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code distill}: fine-tunes a draft on the target's synthetic completions (sequence-level knowledge distillation). */
public final class DistillCommand implements Command {
    static final TrainingOptions.Defaults DEFAULTS = new TrainingOptions.Defaults("min(512, the draft's context, the longest example)", 3e-4, "cosine", -1, "shuffled", -1, -1);

    @Override
    public String name() {
        return "distill";
    }

    @Override
    public String summary() {
        return "fine-tune a draft on synth's completions (cross-entropy on completion tokens; optional KL/TV to the target's top-k)";
    }

    @Override
    public List<Option> options() {
        List<Option> o = new ArrayList<>(List.of(
                Option.value("--draft", "DIR", "the (pre-trained) draft to start from"),
                Option.value("--data", "FILE", "JSON Lines made by synth (prompt_ids, completion_ids[, topk_ids, topk_probs])"),
                Option.flag("--skip-bad-lines", "skip malformed lines of --data instead of stopping at the first"),
                Option.value("--out", "DIR", "the distilled draft: a complete Hugging Face directory (config, weights, tokenizer)"),
                Option.value("--epochs", "E", "passes over the training examples (default 1; fractions allowed)"),
                Option.value("--steps", "N", "optimizer steps instead of --epochs"),
                Option.value("--loss", "L", "ce: cross-entropy on completion tokens (default); kl | tv: plus KL or total variation to the "
                        + "target's top-k probabilities, the rest of the vocabulary as one more outcome (data from synth --store-topk)"),
                Option.value("--kd-weight", "W", "weight of the kl/tv term: loss = ce + W * kd (default 1)"),
                Option.value("--val-fraction", "F", "share of prompts held out for validation (default 0.05)")));
        o.addAll(TrainingOptions.options(DEFAULTS));
        return o;
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        if (a.has("--epochs") && a.has("--steps")) throw new UserError("give --epochs or --steps, not both");
        Path draft = a.path("--draft");
        ModelConfig mc = ModelConfig.load(draft.resolve("config.json"));
        DistillLoss.Kind kind = DistillLoss.Kind.parse(a.string("--loss", "ce"));
        DistillData data = DistillData.read(a.path("--data"), mc.vocabSize(), kind != DistillLoss.Kind.CE, a.number("--val-fraction", 0.05),
                a.longValue("--seed", 1234), a.flag("--skip-bad-lines"), console.err());
        int seqLen = a.integer("--seq-len", Math.max(1, Math.min(Math.min(512, mc.maxPositionEmbeddings()), data.longest() - 1)));
        int batch = a.integer("--batch", 8);
        if (seqLen < 1 || batch < 1) throw new UserError("--seq-len and --batch must be >= 1");
        int rowsPerStep = batch * Math.max(1, a.integer("--accum", 1));
        long steps = a.has("--steps") ? a.longValue("--steps", 1) : Distill.steps(data, a.number("--epochs", 1), rowsPerStep);
        TrainConfig cfg = TrainingOptions.config(a, seqLen, batch, steps, DEFAULTS);
        Distill.Settings settings = new Distill.Settings(kind, (float) a.number("--kd-weight", 1));
        DType saveAs = TrainingOptions.saveDtype(a, draft);
        OutputFolder folder = OutputFolder.create("--out", a.path("--out"));
        Distill.Result r;
        try {
            r = Distill.run(draft, data, cfg, settings, a.path("--out"), a.flag("--resume"), saveAs, console.err());
        } catch (Throwable t) {
            folder.removeIfEmpty();
            throw t;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "distilled %s: %d steps, train loss %.4f", r.out(), r.steps(), r.trainLoss()));
        if (r.valLossAfter().isPresent()) {
            line.append(String.format(Locale.ROOT, ", validation loss %.4f -> %.4f (completion tokens)", r.valLossBefore().getAsDouble(), r.valLossAfter().getAsDouble()));
        }
        console.out().println(line);
        console.err().println(r.export().summary());
        return r.export().ok() ? 0 : 1;
    }
}
