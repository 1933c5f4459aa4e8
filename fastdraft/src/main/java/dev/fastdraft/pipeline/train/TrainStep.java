package dev.fastdraft.pipeline.train;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.Elementwise;
import dev.fastdraft.autograd.GradClip;
import dev.fastdraft.autograd.Parameter;
import dev.fastdraft.autograd.Tape;
import dev.fastdraft.autograd.Var;
import dev.fastdraft.models.llama.LlamaModel;
import java.util.List;

/** One optimizer step: gradients of one or more micro-batches, clipping, AdamW. */
public final class TrainStep {
    private final LlamaModel model;
    private final TrainConfig config;
    private final List<Parameter> params;
    private final AdamW optimizer;

    public TrainStep(LlamaModel model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.params = model.parameters();
        this.optimizer = new AdamW(params, config.hyper());
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public List<Parameter> params() {
        return params;
    }

    /** Adds the gradients of one micro-batch (scaled for the mean over accumulation) and returns its loss. */
    public double accumulate(int[] inputs, int[] targets) {
        return accumulate(Batch.nextToken(inputs, targets, config.batch(), config.seqLen()), 1.0 / config.accumulation());
    }

    /**
     * Adds the gradients of one micro-batch, its loss scaled by {@code weight} (its share of the step's
     * targets), and returns the unscaled loss.
     */
    public double accumulate(Batch batch, double weight) {
        try (Tape tape = Tape.record()) {
            Var loss = batch.loss(model);
            double l = loss.value().get(0);
            if (weight != 1) loss = Elementwise.scale(loss, (float) weight);
            tape.backward(loss);
            return l;
        }
    }

    /** Clips, updates with the learning rate of {@code step} (0-based) and clears the gradients. */
    public void apply(long step) {
        if (config.gradClip() > 0) GradClip.clip(params, config.gradClip());
        optimizer.update(config.schedule().lr(step));
        for (Parameter p : params) p.var().zeroGrad();
    }

    /** A whole step on one micro-batch; returns its loss. */
    public double run(int[] inputs, int[] targets, long step) {
        double l = accumulate(inputs, targets);
        apply(step);
        return l;
    }
}
