package dev.fastdraft.cli;

import dev.fastdraft.pipeline.train.Pretrain;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code pretrain}: trains a draft on a token budget of a corpus (AdamW, warm-up + cosine, checkpoints, resume). */
public final class PretrainCommand implements Command {
    static final TrainingOptions.Defaults DEFAULTS = new TrainingOptions.Defaults("512", 1e-3, "cosine", -1, "shuffled", -1, -1);

    @Override
    public String name() {
        return "pretrain";
    }

    @Override
    public String summary() {
        return "pre-train a draft on N tokens of a uint32 token file; reports validation loss and perplexity";
    }

    @Override
    public List<Option> options() {
        List<Option> o = new ArrayList<>(List.of(
                Option.value("--draft", "DIR", "the draft to train (Hugging Face layout, e.g. made by init-draft)"),
                Option.value("--data", "FILE", "training tokens: little-endian uint32, no header (made by prepare)"),
                Option.value("--val-data", "FILE", "validation tokens: loss and perplexity periodically and at the end"),
                Option.value("--tokens", "N", "training tokens (suffixes k, m, g): steps = N / (batch x accum x seq-len)"),
                Option.value("--out", "DIR", "where the trained draft goes (default: replace --draft in place, atomically at the end)")));
        o.addAll(TrainingOptions.options(DEFAULTS));
        return o;
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        if (!a.has("--tokens")) throw new UserError("pretrain needs --tokens N (the training budget, e.g. 20m)");
        int seqLen = a.integer("--seq-len", 512), batch = a.integer("--batch", 8);
        if (seqLen < 1 || batch < 1) throw new UserError("--seq-len and --batch must be >= 1");
        long steps = Pretrain.steps(a.longValue("--tokens", 0), seqLen, batch, Math.max(1, a.integer("--accum", 1)));
        TrainConfig cfg = TrainingOptions.config(a, seqLen, batch, steps, DEFAULTS);
        Path out = a.has("--out") ? a.path("--out") : null;
        OutputFolder folder = out == null ? null : OutputFolder.create("--out", out);
        Pretrain.Result r;
        try {
            r = Pretrain.run(a.path("--draft"), a.path("--data"), a.has("--val-data") ? a.path("--val-data") : null, cfg, out,
                    a.flag("--resume"), TrainingOptions.saveDtype(a, a.path("--draft")), console.err());
        } catch (Throwable t) {
            if (folder != null) folder.removeIfEmpty();
            throw t;
        }
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "pretrained %s: %d steps, train loss %.4f", r.out(), r.steps(), r.trainLoss()));
        if (r.valLoss().isPresent()) {
            line.append(String.format(Locale.ROOT, ", validation loss %.4f, perplexity %.2f", r.valLoss().getAsDouble(), r.valPerplexity().getAsDouble()));
        }
        console.out().println(line);
        console.err().println(dev.fastdraft.pipeline.HfExport.check(r.out()).summary());
        return 0;
    }
}
