package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.Var;
import dev.fastdraft.models.llama.LlamaModel;

/**
 * One micro-batch that knows its own loss: next-token cross-entropy for token files, cross-entropy on
 * completions plus an optional distribution-matching term for distillation. The trainer only needs the
 * scalar it back-propagates.
 */
@FunctionalInterface
public interface Batch {
    /** The mean loss of this micro-batch under {@code model}; recorded on the current tape when one is open. */
    Var loss(LlamaModel model);

    /** {@code rows} sequences of {@code seqLen} inputs with their next-token targets (CrossEntropy.IGNORE masks). */
    static Batch nextToken(int[] inputs, int[] targets, int rows, int seqLen) {
        return model -> model.loss(inputs, targets, rows, seqLen);
    }
}
