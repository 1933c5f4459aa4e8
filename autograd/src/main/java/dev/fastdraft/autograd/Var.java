package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;

/**
 * A value in a computation, with its gradient. Leaves that require gradients are parameters; other
 * Vars are made by ops and carry a {@link Tape.Node} only while a tape records.
 */
public final class Var {
    private final Tensor value;
    private final boolean requiresGrad;
    private Tensor grad;

    public Var(Tensor value, boolean requiresGrad) {
        this.value = value;
        this.requiresGrad = requiresGrad;
    }

    /** A constant: no gradient flows into it. */
    public static Var constant(Tensor value) {
        return new Var(value, false);
    }

    /** A trainable leaf (F32 master weight). */
    public static Var param(Tensor value) {
        return new Var(value, true);
    }

    public Tensor value() {
        return value;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public int[] shape() {
        return value.shape();
    }

    public int dim(int d) {
        return value.dim(d);
    }

    /** The accumulated gradient, or null when none has flowed here yet. */
    public Tensor grad() {
        return grad;
    }

    /** The gradient buffer, created zero-filled (F32, same shape) on first use. */
    public Tensor gradBuffer() {
        if (grad == null) grad = Tensor.zeros(value.shape());
        return grad;
    }

    /**
     * Adds {@code g} to the gradient. When there is none yet, {@code g} itself becomes the gradient (no copy),
     * so the caller hands over a contiguous F32 tensor it will not use again.
     */
    public void accumulateGrad(Tensor g) {
        if (grad == null && g.dtype() == dev.fastdraft.engine.DType.F32 && g.isContiguous()) grad = g;
        else Views.addInto(gradBuffer(), g);
    }

    public void zeroGrad() {
        grad = null;
    }

    @Override
    public String toString() {
        return "Var(" + value + (requiresGrad ? ", requires grad" : "") + ")";
    }
}
