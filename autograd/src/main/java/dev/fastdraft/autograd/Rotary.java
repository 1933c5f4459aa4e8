package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.Rope;
import dev.fastdraft.kernels.ops.RopeTable;

/** Rotary position embedding in Hugging Face's rotate-half layout; the gradient rotates back. */
public final class Rotary {
    private Rotary() {}

    /** Positions of a forward pass: batch rows of seqLen tokens, each row starting at {@code start}. */
    public record Positions(int batch, int seqLen, int start, RopeTable table, int[] ids) {
        public Positions(int batch, int seqLen, int start, RopeTable table) {
            this(batch, seqLen, start, table, positions(batch, seqLen, start));
        }

        private static int[] positions(int batch, int seqLen, int start) {
            int[] p = new int[batch * seqLen];
            for (int b = 0; b < batch; b++) for (int t = 0; t < seqLen; t++) p[b * seqLen + t] = start + t;
            return p;
        }
    }

    /** Rotates each of the {@code heads} head vectors in every row of x [batch*seqLen, heads*headDim]. */
    public static Var apply(Var x, int heads, int headDim, int rotaryDim, Positions pos) {
        Tensor xt = x.value();
        int rows = xt.dim(0);
        if (xt.dim(1) != heads * headDim) throw new IllegalArgumentException("rope: rows of " + xt.dim(1) + " do not hold " + heads + " heads of " + headDim);
        if (rows != pos.ids().length) throw new IllegalArgumentException("rope: " + rows + " rows for " + pos.ids().length + " positions");
        Tensor y = Tensor.zeros(rows, heads * headDim);
        y.copyFrom(xt);
        int width = heads * headDim;
        Rope.forward(WorkerPool.common(), rows, heads, headDim, rotaryDim, y.segment(), 0, width, pos.ids(), 0, pos.table());
        return Tape.output(y, g -> {
            Tensor dx = Tensor.zeros(rows, width);
            dx.copyFrom(g);
            Rope.backward(WorkerPool.common(), rows, heads, headDim, rotaryDim, dx.segment(), 0, width, pos.ids(), 0, pos.table());
            x.accumulateGrad(dx);
        }, x);
    }
}
