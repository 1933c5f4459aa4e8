package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.CrossEntropy;
import dev.fastdraft.autograd.Var;
import dev.fastdraft.models.llama.LlamaModel;
import java.util.function.Function;

/**
 * One micro-batch that knows its own loss: next-token cross-entropy for token files, cross-entropy on
 * completions plus an optional distribution-matching term for distillation. The trainer needs the scalar it
 * back-propagates, and how many targets it averages over, to weight micro-batches of one step by their tokens.
 */
public interface Batch {
    /** The mean loss of this micro-batch's targets under {@code model}; recorded on the current tape when one is open. */
    Var loss(LlamaModel model);

    /** The targets the loss averages over (those not {@link CrossEntropy#IGNORE}). */
    long targets();

    /** A batch whose loss averages over the entries of {@code targets} that are not ignored. */
    static Batch of(int[] targets, Function<LlamaModel, Var> loss) {
        long n = 0;
        for (int t : targets) if (t != CrossEntropy.IGNORE) n++;
        long count = n;
        return new Batch() {
            public Var loss(LlamaModel model) {
                return loss.apply(model);
            }

            public long targets() {
                return count;
            }
        };
    }

    /** {@code rows} sequences of {@code seqLen} inputs with their next-token targets (CrossEntropy.IGNORE masks). */
    static Batch nextToken(int[] inputs, int[] targets, int rows, int seqLen) {
        return of(targets, model -> model.loss(inputs, targets, rows, seqLen));
    }
}
