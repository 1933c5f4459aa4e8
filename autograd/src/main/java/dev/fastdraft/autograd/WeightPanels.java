package dev.fastdraft.autograd;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemv.Bf16Panels;
import java.lang.foreign.Arena;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Panel copies ({@link Bf16Panels}) of frozen BF16 weight matrices, for {@link Linear}'s products of few
 * rows. A copy is made the first time a weight meets such a product (a prompt long enough for the SGEMM
 * never makes one) and lives as long as this object; the owner of the weights, a model that generates,
 * holds one. The copy costs one pass over the weight and as many bytes again: the stored matrix is then
 * read only by products of many rows, and a memory-mapped file's pages stay evictable.
 *
 * <p>Weights must not change once copied. Trainable weights (F32, requiring gradients) never are.
 */
public final class WeightPanels {
    private final Map<Var, Bf16Panels> panels = new ConcurrentHashMap<>();

    /** Whether {@code weight} can have panels: BF16, a contiguous matrix, not trained. */
    public static boolean eligible(Var weight) {
        Tensor w = weight.value();
        return !weight.requiresGrad() && w.dtype() == DType.BF16 && w.rank() == 2 && w.isContiguous();
    }

    /** The panels made for {@code weight} so far, or null. */
    Bf16Panels existing(Var weight) {
        return panels.get(weight);
    }

    /** The panels of an {@link #eligible} weight, made now if this is its first use. */
    Bf16Panels of(Var weight, WorkerPool pool) {
        return panels.computeIfAbsent(weight, v -> {
            Tensor w = v.value();
            return Bf16Panels.pack(pool, w.segment(), w.offset() * DType.BF16.byteSize(), w.dim(0), w.dim(1), Arena.ofAuto());
        });
    }

    /** Weights copied so far. */
    public int size() {
        return panels.size();
    }
}
