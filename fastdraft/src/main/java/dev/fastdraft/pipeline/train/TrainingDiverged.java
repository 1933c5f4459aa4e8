package dev.fastdraft.pipeline.train;

/** The loss stopped being finite: training stops at that step and the last checkpoint is left as it was. */
public final class TrainingDiverged extends RuntimeException {
    public TrainingDiverged(String message) {
        super(message);
    }
}
