package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;

/**
 * Mean next-token cross-entropy fused with log-softmax: the forward pass overwrites the logits with their
 * gradient, so the [tokens x vocab] array exists once. Targets equal to -100 are ignored, as in PyTorch.
 */
public final class CrossEntropy {
    public static final int IGNORE = dev.fastdraft.kernels.ops.CrossEntropy.IGNORE_INDEX;

    private CrossEntropy() {}

    /** The mean loss; the logits' values are consumed (replaced by the gradient) when recording. */
    public static Var mean(Var logits, int[] targets) {
        Tensor l = logits.value();
        int rows = l.dim(0), vocab = l.dim(1);
        if (targets.length != rows) throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for " + rows + " rows of logits");
        for (int i = 0; i < rows; i++) {
            if (targets[i] != IGNORE && (targets[i] < 0 || targets[i] >= vocab)) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " at row " + i + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        int count = dev.fastdraft.kernels.ops.CrossEntropy.countTargets(rows, targets, 0);
        boolean grad = Tape.recording(logits);
        Tensor work = grad ? l.contiguousF32() : l;
        var loss = grad
                ? dev.fastdraft.kernels.ops.CrossEntropy.forwardBackward(WorkerPool.common(), rows, vocab, work.segment(), work.offset(), vocab, targets, 0, count == 0 ? 0f : 1f / count)
                : dev.fastdraft.kernels.ops.CrossEntropy.loss(WorkerPool.common(), rows, vocab, l.segment(), l.offset(), l.rowStride("crossEntropy"), targets, 0, Tensor.zeros(rows).segment(), 0);
        Tensor out = Tensor.of(new float[] {(float) loss.mean()}, 1);
        return Tape.output(out, g -> {
            float scale = g.get(0);
            if (scale != 1f) dev.fastdraft.kernels.ops.VectorOps.scale(WorkerPool.common(), rows, vocab, scale, work.segment(), work.offset(), vocab, work.segment(), work.offset(), vocab);
            logits.accumulateGrad(work);
        }, logits);
    }
}
