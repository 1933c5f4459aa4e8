package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemv.Panels;
import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Panel copies ({@link Panels}) of frozen BF16 and F16 weight matrices, for {@link Linear}'s products of few
 * rows. A copy is made the first time a weight meets such a product, or ahead of time by {@link #prepare},
 * and lives as long as this object; the owner of the weights, a model that generates, holds one. A model
 * that only runs prompts long enough for the SGEMM never makes one. The copy costs one pass over the weight
 * and as many bytes again; the stored matrix is still read by prompts of 128 tokens or more.
 *
 * <p>Weights must not change once copied. Trainable weights (F32, requiring gradients) never are.
 */
public final class WeightPanels {
    /** Empty for a weight that cannot have panels after all (an F16 matrix holding an infinity or a NaN). */
    private final Map<Var, Optional<Panels>> panels = new ConcurrentHashMap<>();

    /** Whether {@code weight} can have panels: BF16 or F16, a contiguous matrix, not trained. */
    public static boolean eligible(Var weight) {
        Tensor w = weight.value();
        return !weight.requiresGrad() && Panels.supports(Linear.weightType(w.dtype())) && w.rank() == 2 && w.isContiguous();
    }

    /** The panels of an {@link #eligible} weight, made now if this is its first use; null if it has none. */
    Panels of(Var weight, WorkerPool pool) {
        Optional<Panels> have = panels.get(weight);
        if (have == null) {
            // packed outside the map's locks (not in computeIfAbsent): packing waits for the pool, which another
            // thread may hold while its tasks look up this map (prepareForDecoding), and the two deadlocked.
            // Two threads meeting a new weight at once may both pack it; one copy is kept.
            Tensor w = weight.value();
            Optional<Panels> made = Optional.ofNullable(Panels.pack(pool, Linear.weightType(w.dtype()), w.segment(),
                    w.offset() * w.dtype().byteSize(), w.dim(0), w.dim(1), Arena.ofAuto()));
            have = panels.putIfAbsent(weight, made);
            if (have == null) have = made;
        }
        return have.orElse(null);
    }

    /** Makes the copy of {@code weight} now if it is {@link #eligible} and has none yet. */
    public void prepare(Var weight, WorkerPool pool) {
        if (weight != null && eligible(weight)) of(weight, pool);
    }

    /** Weights copied so far. */
    public int size() {
        return (int) panels.values().stream().filter(Optional::isPresent).count();
    }
}
