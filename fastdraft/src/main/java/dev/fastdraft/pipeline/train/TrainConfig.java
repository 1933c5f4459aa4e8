package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import java.nio.file.Path;

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
    }

    /** Sequences consumed per optimizer step. */
    public int rowsPerStep() {
        return batch * accumulation;
    }

    public long tokensPerStep() {
        return (long) rowsPerStep() * seqLen;
    }

    /** A fingerprint stored in checkpoints, so --resume refuses a run with different settings. */
    public String fingerprint() {
        return seqLen + "/" + batch + "/" + accumulation + "/" + steps + "/" + schedule + "/" + hyper + "/" + gradClip + "/" + dataOrder + "/" + seed;
    }

    public static Path checkpointFile(Path out) {
        return out.resolve("checkpoint.safetensors");
    }
}
