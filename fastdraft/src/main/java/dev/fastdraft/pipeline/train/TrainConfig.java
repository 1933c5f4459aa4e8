package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that decides a training run's numbers. Two runs with equal configs, data, initial weights
 * and thread count produce the same losses bit for bit.
 */
public record TrainConfig(
        int seqLen,
        int batch,
        int accumulation,
        long steps,
        LrSchedule schedule,
        AdamW.Hyper hyper,
        double gradClip,
        String dataOrder,
        long seed,
        int valEvery,
        int valBatches,
        int checkpointEvery) {

    public TrainConfig {
        if (seqLen < 1) throw new IllegalArgumentException("--seq-len must be >= 1, got " + seqLen);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (accumulation < 1) throw new IllegalArgumentException("--accum must be >= 1, got " + accumulation);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (!(gradClip >= 0)) throw new IllegalArgumentException("--grad-clip must be >= 0 (0 disables it), got " + gradClip);
        if (checkpointEvery < 0) throw new IllegalArgumentException("--checkpoint-every must be >= 0 (0: only the final model), got " + checkpointEvery);
        double peak = switch (schedule) {
            case LrSchedule.Constant c -> c.lr();
            case LrSchedule.WarmupCosine w -> w.peak();
        };
        // a negative rate climbs the loss and exits 0; NaN only shows at step 2
        if (!(peak > 0) || Double.isInfinite(peak)) throw new IllegalArgumentException("--lr must be a finite number > 0, got " + num(peak));
        if (schedule instanceof LrSchedule.WarmupCosine w && !(w.floor() >= 0 && w.floor() <= peak)) {
            throw new IllegalArgumentException("--min-lr must be between 0 and --lr (" + num(peak) + "), got " + num(w.floor()));
        }
    }

    /** Sequences consumed per optimizer step. */
    public int rowsPerStep() {
        return batch * accumulation;
    }

    public long tokensPerStep() {
        return (long) rowsPerStep() * seqLen;
    }

    /**
     * The settings a checkpoint records, keyed by the option that sets each, so that --resume can name the one
     * that changed.
     */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("--seq-len", Integer.toString(seqLen));
        s.put("--batch", Integer.toString(batch));
        s.put("--accum", Integer.toString(accumulation));
        s.put("the number of steps", Long.toString(steps));
        switch (schedule) {
            case LrSchedule.Constant c -> {
                s.put("--schedule", "constant");
                s.put("--lr", num(c.lr()));
            }
            case LrSchedule.WarmupCosine w -> {
                s.put("--schedule", "cosine");
                s.put("--lr", num(w.peak()));
                s.put("--warmup", Long.toString(w.warmup()));
                s.put("--min-lr", num(w.floor()));
            }
        }
        s.put("--beta1", num(hyper.beta1()));
        s.put("--beta2", num(hyper.beta2()));
        s.put("--eps", num(hyper.eps()));
        s.put("--weight-decay", num(hyper.weightDecay()));
        s.put("--grad-clip", num(gradClip));
        s.put("--data-order", dataOrder);
        s.put("--seed", Long.toString(seed));
        return s;
    }

    /** 0.001 rather than 1.0E-3: numbers as they are typed. */
    static String num(double v) {
        return Double.isFinite(v) ? new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString() : Double.toString(v);
    }

    /** The fingerprint older checkpoints carry instead of {@link #settings()}; still accepted by --resume. */
    public String fingerprint() {
        return seqLen + "/" + batch + "/" + accumulation + "/" + steps + "/" + schedule + "/" + hyper + "/" + gradClip + "/" + dataOrder + "/" + seed;
    }

    public static Path checkpointFile(Path out) {
        return out.resolve("checkpoint.safetensors");
    }
}
