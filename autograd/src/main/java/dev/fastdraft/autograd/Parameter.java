package dev.fastdraft.autograd;

/** A named trainable tensor (its checkpoint name, e.g. {@code model.layers.0.mlp.up_proj.weight}). */
public record Parameter(String name, Var var) {
    public Parameter {
        if (!var.requiresGrad()) throw new IllegalArgumentException("Parameter " + name + ": var does not require a gradient");
        if (var.value().dtype() != dev.fastdraft.engine.DType.F32 || !var.value().isContiguous()) {
            throw new IllegalArgumentException("Parameter " + name + ": training needs contiguous F32 master weights, got " + var.value());
        }
    }

    /** PyTorch practice, and the FastDraft recipe: decay matrices and embeddings, not norms and biases. */
    public boolean decays() {
        return var.value().rank() >= 2;
    }
}
