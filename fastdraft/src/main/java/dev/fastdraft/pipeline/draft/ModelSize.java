package dev.fastdraft.pipeline.draft;

import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import java.util.Locale;

/**
 * Whether a model of a config can be built in this JVM, checked before anything is allocated: trainable and
 * newly initialised weights are F32 Java arrays on the heap, so every matrix must fit one array and all of them
 * the heap (instead of a NegativeArraySizeException or an OutOfMemoryError half-way).
 */
public final class ModelSize {
    /** The most elements HotSpot allocates in one array. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private ModelSize() {}

    /**
     * Throws an IllegalArgumentException naming the first matrix too large for one array, or the heap the model
     * needs: {@code copies} F32 values per parameter (1 to build a model; 4 to train it: weights, gradients and
     * two AdamW moments). {@code what} names the model ("the draft"), {@code fix} says what to change.
     */
    public static void check(ModelConfig c, int copies, String what, String fix) {
        check(c, copies, what, fix, Runtime.getRuntime().maxMemory());
    }

    static void check(ModelConfig c, int copies, String what, String fix, long maxHeap) {
        long h = c.hiddenSize(), qd = (long) c.numHeads() * c.headDim(), kd = (long) c.numKvHeads() * c.headDim();
        boolean fused = c.architecture() == Architecture.PHI3;
        matrix(what, fix, "embedding (vocab_size x hidden_size)", c.vocabSize(), h);
        matrix(what, fix, "query projection", fused ? qd + 2 * kd : qd, h);
        matrix(what, fix, "MLP matrix (intermediate_size x hidden_size)", (fused ? 2L : 1L) * c.intermediateSize(), h);
        double bytes = (double) ParameterCount.total(c) * Float.BYTES * copies;
        if (bytes > maxHeap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s is too large: %,d parameters need about %s of Java heap%s, but this JVM may use at most %s; %s, or give Java more heap (java -Xmx...)",
                    what, ParameterCount.total(c), size(bytes), copies > 1 ? " (F32 weights, gradients and AdamW moments)" : " (F32 weights)", size(maxHeap), fix));
        }
    }

    private static void matrix(String what, String fix, String name, long rows, long cols) {
        // doubles: rows x cols may overflow a long for absurd sizes
        if ((double) rows * cols > MAX_ARRAY) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s is too large: its %s would hold %,d x %,d = %.3g values, more than one Java array holds (%,d); %s",
                    what, name, rows, cols, (double) rows * cols, MAX_ARRAY, fix));
        }
    }

    private static String size(double bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30)) : String.format(Locale.ROOT, "%.1f MiB", bytes / (1L << 20));
    }
}
