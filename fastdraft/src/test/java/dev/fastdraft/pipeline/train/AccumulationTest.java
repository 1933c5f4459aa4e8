package dev.fastdraft.pipeline.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.CrossEntropy;
import dev.fastdraft.autograd.LrSchedule;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.pipeline.TinyModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient accumulation takes the step's loss as the mean over all its targets, as transformers' Trainer does:
 * a micro-batch of 2 targets and one of 14 weigh 2/16 and 14/16, not a half each, so two micro-batches of one
 * row give the loss of one batch of both rows.
 */
class AccumulationTest {
    static final int SEQ = 16;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    static TrainConfig config(int rows, int accumulation) {
        return new TrainConfig(SEQ, rows, accumulation, 1, new LrSchedule.WarmupCosine(1e-3, 0, 1, 1e-4), new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1),
                1.0, "sequential", 1, 1, 1, 0);
    }

    /** Row r of the step: inputs, and targets of which only the last {@code kept[r]} count. */
    static final int[] KEPT = {2, 14};

    static int[] inputs(int r) {
        int[] in = new int[SEQ];
        for (int i = 0; i < SEQ; i++) in[i] = 3 + (7 * i + 5 * r) % 40;
        return in;
    }

    static int[] targets(int r) {
        int[] t = new int[SEQ];
        Arrays.fill(t, CrossEntropy.IGNORE);
        for (int i = SEQ - KEPT[r]; i < SEQ; i++) t[i] = 3 + (11 * i + r) % 40;
        return t;
    }

    double stepLoss(int rows, int accumulation, BatchSource source) throws Exception {
        Trainer t = new Trainer(LlamaLoader.initialize(TinyModels.config(16, 1, 64), 5, 0.1), config(rows, accumulation));
        t.run(source, null, dir.resolve(rows + "x" + accumulation), QUIET);
        return t.losses().get(0);
    }

    @Test
    void microBatchesWeighByTheirTargets() throws Exception {
        double split = stepLoss(1, 2, i -> Batch.nextToken(inputs((int) i), targets((int) i), 1, SEQ));
        double whole = stepLoss(2, 1, i -> {
            int[] in = new int[2 * SEQ], tg = new int[2 * SEQ];
            for (int r = 0; r < 2; r++) {
                System.arraycopy(inputs(r), 0, in, r * SEQ, SEQ);
                System.arraycopy(targets(r), 0, tg, r * SEQ, SEQ);
            }
            return Batch.nextToken(in, tg, 2, SEQ);
        });
        double first = stepLoss(1, 1, i -> Batch.nextToken(inputs(0), targets(0), 1, SEQ));
        double second = stepLoss(1, 1, i -> Batch.nextToken(inputs(1), targets(1), 1, SEQ));
        assertEquals(whole, split, 1e-5 * Math.abs(whole), "the split step is the whole batch's per-token mean");
        assertTrue(Math.abs(split - (first + second) / 2) > 1e-3, "and not the mean of the two micro-batch means: "
                + split + " against " + (first + second) / 2);
    }
}
