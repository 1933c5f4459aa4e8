package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.RmsNorm;

/** RMSNorm as Hugging Face's LlamaRMSNorm: w * x / sqrt(mean(x²) + eps), in float32. */
public final class Norms {
    private Norms() {}

    public static Var rms(Var x, Var weight, float eps) {
        Tensor xt = x.value();
        int rows = xt.dim(0), n = xt.dim(1);
        int ldx = xt.rowStride("rmsNorm");
        Tensor w = weight.value();
        if (w.rank() != 1 || w.dim(0) != n) throw new IllegalArgumentException("rmsNorm: weight " + w + " does not match rows of " + n);
        Tensor y = Tensor.zeros(rows, n);
        Tensor rstd = Tensor.zeros(rows);
        RmsNorm.forward(WorkerPool.common(), rows, n, xt.segment(), xt.offset(), ldx, w.segment(), w.offset(), eps,
                y.segment(), 0, n, rstd.segment(), 0);
        return Tape.output(y, g -> {
            Tensor dy = g.contiguousF32();
            Tensor dx = Tensor.zeros(rows, n);
            Tensor dw = weight.requiresGrad() ? weight.gradBuffer() : Tensor.zeros(n);
            RmsNorm.backward(WorkerPool.common(), rows, n, xt.segment(), xt.offset(), ldx, w.segment(), w.offset(),
                    rstd.segment(), 0, dy.segment(), dy.offset(), n, dx.segment(), 0, n, dw.segment(), dw.offset());
            if (x.requiresGrad()) x.accumulateGrad(dx);
        }, x, weight);
    }
}
