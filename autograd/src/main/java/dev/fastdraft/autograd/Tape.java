package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Records ops for reverse-mode differentiation, micrograd style but over tensors.
 *
 * <p>Ops append a node only while a tape is open on the current thread and one of their inputs needs a
 * gradient; outside a tape (inference) recording costs one thread-local read. Nodes are appended in
 * execution order, so walking them backwards visits every node after all of its consumers: no graph
 * sort is needed. Each node releases what it saved for backward once it has run, so activations live
 * exactly once.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();

    /** Propagates the gradient of one op's output into its inputs' gradient buffers. */
    @FunctionalInterface
    public interface Backward {
        void run(Tensor gradOut);
    }

    record Node(Var output, Backward backward) {}

    private final List<Node> nodes = new ArrayList<>();
    private final Tape previous;
    private boolean closed;

    private Tape(Tape previous) {
        this.previous = previous;
    }

    /** Opens a tape on this thread; close it (try-with-resources) to stop recording. */
    public static Tape record() {
        Tape t = new Tape(CURRENT.get());
        CURRENT.set(t);
        return t;
    }

    /** True when an op with these inputs must record itself. */
    public static boolean recording(Var... inputs) {
        if (CURRENT.get() == null) return false;
        for (Var v : inputs) if (v != null && v.requiresGrad()) return true;
        return false;
    }

    /**
     * Makes an op's output. When recording, the output requires a gradient and {@code backward} is kept;
     * otherwise it is a constant and {@code backward} is dropped.
     */
    public static Var output(Tensor value, Backward backward, Var... inputs) {
        Tape t = CURRENT.get();
        if (t == null || !recording(inputs)) return Var.constant(value);
        Var out = new Var(value, true);
        t.nodes.add(new Node(out, backward));
        return out;
    }

    /** Back-propagates from a scalar {@code loss} (gradient 1) through every recorded op. */
    public void backward(Var loss) {
        if (loss.value().numel() != 1) throw new IllegalArgumentException("backward: loss must have one element, got shape " + java.util.Arrays.toString(loss.shape()));
        Tensor seed = loss.gradBuffer();
        seed.fill(1f);
        backwardFrom();
    }

    /** Back-propagates gradients already placed in outputs' buffers (e.g. by a fused loss). */
    public void backwardFrom() {
        if (closed) throw new IllegalStateException("backward: tape already used; record a new one per step");
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            Tensor g = n.output().grad();
            if (g != null) n.backward().run(g);
            n.output().zeroGrad(); // intermediate gradients are not needed once propagated
            nodes.set(i, null);    // let saved activations go
        }
        nodes.clear();
    }

    public int size() {
        return nodes.size();
    }

    @Override
    public void close() {
        closed = true;
        nodes.clear();
        if (CURRENT.get() == this) CURRENT.set(previous);
    }
}
