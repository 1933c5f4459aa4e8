package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * AdamW with the exact update of PyTorch's {@code torch.optim.AdamW} (single-tensor path, no amsgrad):
 * <pre>
 *   p  *= 1 - lr*wd                      (decoupled decay, only for decaying parameters)
 *   m  += (g - m) * (1 - beta1)          (torch.lerp)
 *   v   = v*beta2 + (1 - beta2)*g*g
 *   p  -= lr/(1 - beta1^t) * m / (sqrt(v)/sqrt(1 - beta2^t) + eps)
 * </pre>
 * Scalars are formed in double as Python does, then used in float32 as the tensor ops do.
 */
public final class AdamW {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
        public Hyper {
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("AdamW: beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW: beta2 must be in [0, 1), got " + beta2);
            if (!(eps >= 0)) throw new IllegalArgumentException("AdamW: eps must be >= 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("AdamW: weight decay must be >= 0, got " + weightDecay);
        }

        public static Hyper defaults() {
            return new Hyper(0.9, 0.999, 1e-8, 0.01);
        }
    }

    private final List<Parameter> params;
    private final Hyper hyper;
    private final Tensor[] m;
    private final Tensor[] v;
    private long step;

    public AdamW(List<Parameter> params, Hyper hyper) {
        this.params = List.copyOf(params);
        this.hyper = hyper;
        this.m = new Tensor[params.size()];
        this.v = new Tensor[params.size()];
        for (int i = 0; i < params.size(); i++) {
            m[i] = Tensor.zeros(params.get(i).var().shape());
            v[i] = Tensor.zeros(params.get(i).var().shape());
        }
    }

    public List<Parameter> params() {
        return params;
    }

    public long step() {
        return step;
    }

    /** First and second moments of parameter i (for checkpoints). */
    public Tensor firstMoment(int i) {
        return m[i];
    }

    public Tensor secondMoment(int i) {
        return v[i];
    }

    /** Restores the step count (moments are restored in place through {@link #firstMoment}/{@link #secondMoment}). */
    public void restoreStep(long step) {
        this.step = step;
    }

    /** One update with learning rate {@code lr}; parameters without a gradient are skipped, as PyTorch does. */
    public void update(double lr) {
        step++;
        double bc1 = 1 - Math.pow(hyper.beta1(), step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(hyper.beta2(), step));
        float stepSize = (float) (lr / bc1);
        float bc2s = (float) bc2Sqrt;
        float decayMul = (float) (1 - lr * hyper.weightDecay());
        float b1w = (float) (1 - hyper.beta1());
        float b2 = (float) hyper.beta2();
        float b2w = (float) (1 - hyper.beta2());
        float eps = (float) hyper.eps();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor g = p.var().grad();
            if (g == null) continue;
            boolean decay = p.decays() && hyper.weightDecay() != 0;
            update(p.var().value().segment(), g.contiguousF32().segment(), m[i].segment(), v[i].segment(),
                    p.var().value().numel(), decay ? decayMul : 1f, decay, b1w, b2, b2w, stepSize, bc2s, eps);
        }
    }

    private static void update(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long n,
                               float decayMul, boolean decay, float b1w, float b2, float b2w, float stepSize, float bc2s, float eps) {
        for (long j = 0; j < n; j++) {
            float pj = p.getAtIndex(F, j);
            if (decay) pj = pj * decayMul;
            float gj = g.getAtIndex(F, j);
            float mj = m.getAtIndex(F, j);
            mj = mj + b1w * (gj - mj); // torch.lerp with weight < 0.5
            float vj = v.getAtIndex(F, j) * b2 + b2w * gj * gj;
            float denom = (float) Math.sqrt(vj) / bc2s + eps;
            pj = pj + (-stepSize) * mj / denom;
            p.setAtIndex(F, j, pj);
            m.setAtIndex(F, j, mj);
            v.setAtIndex(F, j, vj);
        }
    }
}
