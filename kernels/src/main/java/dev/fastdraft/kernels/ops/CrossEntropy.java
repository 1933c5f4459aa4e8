package dev.fastdraft.kernels.ops;


import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;

/**
 * Cross-entropy over logits rows [rows x vocab] with integer targets, as torch.nn.functional.cross_entropy
 * (ignore_index -100). The fused version writes the gradient over the logits it read, so a
 * [tokens x vocab] buffer (the largest activation of a small model) exists once.
 *
 * <p>Per row: lse = max + log(sum exp(x - max)) with the sum blocked into double,
 * loss = (max - x[target]) + log(sum) (in double). Rows whose target is {@link #IGNORE_INDEX} add nothing and, in
 * the fused version, get a zero gradient row. Any other target outside [0, vocab) is an error,
 * reported before anything is written.
 */
public final class CrossEntropy {
    public static final int IGNORE_INDEX = -100;

    /** Summed loss over the counted (non-ignored) rows; {@link #mean()} is PyTorch's default reduction. */
    public record Loss(double sum, int count) {
        public double mean() {
            return count == 0 ? Double.NaN : sum / count;
        }
    }

    private CrossEntropy() {}

    /**
     * Computes the loss and overwrites each logits row with (softmax(row) - onehot(target)) * gradScale.
     * For the mean reduction pass gradScale = 1 / {@link #countTargets}.
     */
    public static Loss forwardBackward(WorkerPool pool, int rows, int vocab, MemorySegment logits, long off, int ld,
                                       int[] targets, int targetsOff, float gradScale) {
        return run("crossEntropy", true, pool, rows, vocab, logits, off, ld, targets, targetsOff, gradScale, null, 0);
    }

    /**
     * Loss only; logits are not modified. If {@code rowLoss} is not null it receives each row's loss
     * (0 for ignored rows).
     */
    public static Loss loss(WorkerPool pool, int rows, int vocab, MemorySegment logits, long off, int ld,
                            int[] targets, int targetsOff, MemorySegment rowLoss, long rowLossOff) {
        return run("crossEntropyLoss", false, pool, rows, vocab, logits, off, ld, targets, targetsOff, 0f, rowLoss, rowLossOff);
    }

    /** Rows whose target is not {@link #IGNORE_INDEX}. */
    public static int countTargets(int rows, int[] targets, int targetsOff) {
        OpChecks.ints("countTargets", "targets", targets, targetsOff, rows);
        int c = 0;
        for (int i = 0; i < rows; i++) if (targets[targetsOff + i] != IGNORE_INDEX) c++;
        return c;
    }

    private static Loss run(String op, boolean writeGrad, WorkerPool pool, int rows, int vocab, MemorySegment logits, long off, int ld,
                            int[] targets, int targetsOff, float gradScale, MemorySegment rowLoss, long rowLossOff) {
        if (vocab < 1) throw OpChecks.fail(op, "vocab must be >= 1, got " + vocab);
        OpChecks.rows(op, "logits", logits, off, rows, vocab, ld);
        OpChecks.ints(op, "targets", targets, targetsOff, rows);
        if (rowLoss != null) OpChecks.vector(op, "rowLoss", rowLoss, rowLossOff, rows);
        int count = 0;
        for (int r = 0; r < rows; r++) {
            int t = targets[targetsOff + r];
            if (t == IGNORE_INDEX) continue;
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException(op + ": target " + t + " of row " + r + " is outside [0, " + vocab
                        + ") and is not the ignore index " + IGNORE_INDEX);
            }
            count++;
        }
        // Per-row losses summed in row order afterwards: the total does not depend on the thread split.
        double[] losses = new double[rows];
        RowParallel.run(pool, rows, vocab, 6, (from, to) -> {
            for (int r = from; r < to; r++) {
                long ro = off + (long) r * ld;
                int t = targets[targetsOff + r];
                if (t == IGNORE_INDEX) {
                    if (writeGrad) Softmax.fill(logits, ro, vocab, 0f);
                    continue;
                }
                float max = VectorOps.maxRow(logits, ro, vocab);
                double logSum = Math.log(Softmax.expRow(logits, ro, null, 0, vocab, max, 0f, 1f));
                float target = Simd.get(logits, ro + t);
                losses[r] = ((double) max - target) + logSum;
                if (writeGrad) writeGradient(logits, ro, vocab, max, (float) logSum, gradScale, t);
            }
        });
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += losses[r];
            if (rowLoss != null) Simd.set(rowLoss, rowLossOff + r, (float) losses[r]);
        }
        return new Loss(sum, count);
    }

    /** p = exp((x - max) - logSum): two float subtractions lose less than one against a rounded lse. */
    private static void writeGradient(MemorySegment x, long ro, int vocab, float max, float logSum, float scale, int target) {
        Softmax.expRow(x, ro, x, ro, vocab, max, logSum, scale);
        Simd.set(x, ro + target, Simd.get(x, ro + target) - scale);
    }
}
