package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** Global gradient-norm clipping as PyTorch's {@code clip_grad_norm_} (coefficient max/(norm+1e-6), capped at 1). */
public final class GradClip {
    private GradClip() {}

    /** The global L2 norm of all gradients (accumulated in double). */
    public static double globalNorm(List<Parameter> params) {
        double sum = 0;
        for (Parameter p : params) {
            Tensor g = p.var().grad();
            if (g == null) continue;
            MemorySegment s = g.segment();
            long n = g.numel();
            double part = 0;
            for (long j = 0; j < n; j++) {
                double x = s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, g.offset() + j);
                part += x * x;
            }
            sum += part;
        }
        return Math.sqrt(sum);
    }

    /** Scales gradients so their global norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clip(List<Parameter> params, double maxNorm) {
        double norm = globalNorm(params);
        if (maxNorm <= 0) return norm;
        float coef = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
        if (coef < 1f) {
            for (Parameter p : params) {
                Tensor g = p.var().grad();
                if (g == null) continue;
                MemorySegment s = g.segment();
                for (long j = 0, n = g.numel(); j < n; j++) {
                    long e = g.offset() + j;
                    s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e, s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e) * coef);
                }
            }
        }
        return norm;
    }
}
