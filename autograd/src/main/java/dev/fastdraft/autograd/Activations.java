package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;

/** The gated MLP activation of the Llama family: silu(gate) * up. */
public final class Activations {
    private Activations() {}

    public static Var swiglu(Var gate, Var up) {
        Elementwise.sameShape("swiglu", gate, up);
        Tensor g = gate.value(), u = up.value();
        int rows = g.dim(0), n = g.dim(1);
        int ldg = g.rowStride("swiglu"), ldu = u.rowStride("swiglu");
        Tensor out = Tensor.zeros(rows, n);
        dev.fastdraft.kernels.ops.Activations.swiglu(WorkerPool.common(), rows, n, g.segment(), g.offset(), ldg,
                u.segment(), u.offset(), ldu, out.segment(), 0, n);
        return Tape.output(out, d -> {
            Tensor dOut = d.contiguousF32();
            Tensor dGate = Tensor.zeros(rows, n), dUp = Tensor.zeros(rows, n);
            dev.fastdraft.kernels.ops.Activations.swigluBackward(WorkerPool.common(), rows, n, g.segment(), g.offset(), ldg,
                    u.segment(), u.offset(), ldu, dOut.segment(), dOut.offset(), n, dGate.segment(), 0, n, dUp.segment(), 0, n);
            if (gate.requiresGrad()) gate.accumulateGrad(dGate);
            if (up.requiresGrad()) up.accumulateGrad(dUp);
        }, gate, up);
    }
}
