package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/** Scalar double-precision cross-entropy: per-row losses and the gradient (softmax - onehot) * scale. */
public final class CrossEntropyReference {
    private CrossEntropyReference() {}

    /** Returns per-row losses (0 for ignored rows); writes gradients to grad rows if grad is not null. */
    public static double[] run(int rows, int vocab, MemorySegment logits, long off, int ld, int[] targets, int targetsOff,
                               float gradScale, MemorySegment grad, long gOff, int ldg) {
        double[] loss = new double[rows];
        for (int r = 0; r < rows; r++) {
            long ro = off + (long) r * ld;
            int t = targets[targetsOff + r];
            if (t == CrossEntropy.IGNORE_INDEX) {
                if (grad != null) for (int i = 0; i < vocab; i++) Simd.set(grad, gOff + (long) r * ldg + i, 0f);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) max = Math.max(max, Simd.get(logits, ro + i));
            double s = 0;
            for (int i = 0; i < vocab; i++) s += Math.exp(Simd.get(logits, ro + i) - max);
            double lse = max + Math.log(s);
            loss[r] = lse - Simd.get(logits, ro + t);
            if (grad != null) {
                for (int i = 0; i < vocab; i++) {
                    double p = Math.exp(Simd.get(logits, ro + i) - lse);
                    Simd.set(grad, gOff + (long) r * ldg + i, (float) ((p - (i == t ? 1 : 0)) * gradScale));
                }
            }
        }
        return loss;
    }
}
