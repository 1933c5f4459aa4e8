package dev.fastdraft.pipeline.train;

/**
 * Where micro-batches come from. {@code index} counts micro-batches from the start of the run
 * (step * accumulation + micro), and the same index must always give the same batch, so that a
 * resumed run reads exactly what an uninterrupted one would have.
 */
@FunctionalInterface
public interface BatchSource {
    Batch batch(long index);
}
