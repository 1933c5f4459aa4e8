package dev.fastdraft.cli;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import dev.fastdraft.engine.DType;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.util.List;
import java.util.Locale;

/** The optimizer, schedule and checkpoint options shared by train, pretrain and distill. */
final class TrainingOptions {
    private TrainingOptions() {}

    /**
     * Each command's defaults. {@code warmup} and the intervals may be negative: then they are a fraction of the
     * run (warm-up 5% of the steps, validation and checkpoints every 10%).
     */
    record Defaults(String seqLen, double lr, String schedule, long warmup, String dataOrder, int valEvery, int checkpointEvery) {
        static final Defaults TRAIN = new Defaults("", 1e-3, "constant", 0, "sequential", 100, 0);

        long warmup(long steps) {
            return warmup >= 0 ? warmup : steps / 20;
        }

        int valEvery(long steps) {
            return valEvery >= 0 ? valEvery : (int) Math.max(1, steps / 10);
        }

        int checkpointEvery(long steps) {
            return checkpointEvery >= 0 ? checkpointEvery : (int) Math.max(1, steps / 10);
        }
    }

    /** The options pretrain and distill take besides their data (train keeps its own list: its form is fixed). */
    static List<Option> options(Defaults d) {
        String fraction = "(default: 10% of the steps)";
        return List.of(
                Option.value("--seq-len", "T", "tokens per sequence (default " + d.seqLen() + ")"),
                Option.value("--batch", "B", "sequences per micro-batch (default 8)"),
                Option.value("--accum", "N", "micro-batches per optimizer step (default 1)"),
                Option.value("--lr", "LR", "peak learning rate, > 0 (default " + String.format(Locale.ROOT, "%.0e", d.lr()).replace("e-0", "e-") + ")"),
                Option.value("--schedule", "S", "constant | cosine (linear warm-up, cosine decay to --min-lr); default " + d.schedule()),
                Option.value("--warmup", "N", "warm-up steps (default " + (d.warmup() >= 0 ? d.warmup() : "5% of the steps") + ")"),
                Option.value("--min-lr", "LR", "floor of the cosine decay, between 0 and --lr (default lr/10)"),
                Option.value("--weight-decay", "WD", "AdamW decoupled weight decay on matrices (default 0.1)"),
                Option.value("--beta1", "B1", "AdamW beta1 (default 0.9)"),
                Option.value("--beta2", "B2", "AdamW beta2 (default 0.95)"),
                Option.value("--eps", "E", "AdamW epsilon (default 1e-8)"),
                Option.value("--grad-clip", "C", "global gradient-norm clip; 0 disables (default 1.0)"),
                Option.value("--data-order", "O", "sequential | shuffled (default " + d.dataOrder() + ")"),
                Option.value("--seed", "S", "seed for the data order (default 1234)"),
                Option.value("--val-every", "N", "validation interval in steps, >= 1; also at the end " + (d.valEvery() >= 0 ? "(default " + d.valEvery() + ")" : fraction)),
                Option.value("--val-batches", "N", "validation batches per evaluation (default 8)"),
                Option.value("--checkpoint-every", "N", "checkpoint interval in steps; 0: only the final model "
                        + (d.checkpointEvery() >= 0 ? "(default " + d.checkpointEvery() + ")" : fraction)),
                Option.flag("--resume", "continue from the checkpoint in the output directory"),
                Option.value("--save-dtype", "D", "dtype of the saved model: f32 | bf16 (default: the dtype the draft is stored in)"),
                Option.value("--threads", "T", "worker threads (default: physical cores)"));
    }

    /** The run's settings from the options; {@link TrainConfig} checks the learning rates (lr > 0, 0 <= min-lr <= lr). */
    static TrainConfig config(Args a, int seqLen, int batch, long steps, Defaults d) {
        if (steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
        double lr = a.number("--lr", d.lr());
        String schedName = a.string("--schedule", d.schedule());
        LrSchedule schedule = switch (schedName) {
            case "constant" -> new LrSchedule.Constant(lr);
            case "cosine" -> {
                long warmup = a.longValue("--warmup", d.warmup(steps));
                if (warmup < 0 || warmup > steps) throw new UserError("--warmup must be between 0 and the run's " + steps + " steps, got " + warmup);
                yield new LrSchedule.WarmupCosine(lr, warmup, steps, a.number("--min-lr", lr / 10));
            }
            default -> throw new UserError("--schedule must be 'constant' or 'cosine', got '" + schedName + "'");
        };
        int valEvery = a.integer("--val-every", d.valEvery(steps)), valBatches = a.integer("--val-batches", 8);
        if (valEvery < 1) throw new UserError("--val-every must be >= 1 (validation also runs at the end), got " + valEvery);
        if (valBatches < 1) throw new UserError("--val-batches must be >= 1, got " + valBatches);
        return new TrainConfig(seqLen, batch, a.integer("--accum", 1), steps, schedule,
                new AdamW.Hyper(a.number("--beta1", 0.9), a.number("--beta2", 0.95), a.number("--eps", 1e-8), a.number("--weight-decay", 0.1)),
                a.number("--grad-clip", 1.0), a.string("--data-order", d.dataOrder()), a.longValue("--seed", 1234),
                valEvery, valBatches, a.integer("--checkpoint-every", d.checkpointEvery(steps)));
    }

    /** --save-dtype, else the dtype the draft's weights are stored in (training keeps F32 master weights either way). */
    static DType saveDtype(Args a, java.nio.file.Path draftDir) throws java.io.IOException {
        return a.has("--save-dtype") ? saveDtype(a) : dev.fastdraft.pipeline.HfExport.storedDtype(draftDir);
    }

    static DType saveDtype(Args a) {
        return switch (a.string("--save-dtype", "f32").toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> throw new UserError("--save-dtype must be f32 or bf16");
        };
    }
}
