package dev.fastdraft.kernels.ops;

import dev.fastdraft.kernels.Lanes;
import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static dev.fastdraft.kernels.ops.VectorMath.C2;
import static dev.fastdraft.kernels.ops.VectorMath.C3;
import static dev.fastdraft.kernels.ops.VectorMath.C4;
import static dev.fastdraft.kernels.ops.VectorMath.C5;
import static dev.fastdraft.kernels.ops.VectorMath.C6;
import static dev.fastdraft.kernels.ops.VectorMath.C7;
import static dev.fastdraft.kernels.ops.VectorMath.EXP_HI;
import static dev.fastdraft.kernels.ops.VectorMath.EXP_LO;
import static dev.fastdraft.kernels.ops.VectorMath.LN2_HI;
import static dev.fastdraft.kernels.ops.VectorMath.LN2_LO;
import static dev.fastdraft.kernels.ops.VectorMath.LOG2E;
import static dev.fastdraft.kernels.ops.VectorMath.ROUND_MAGIC;
import static dev.fastdraft.kernels.ops.VectorMath.ROUND_MAGIC_BITS;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax and log-softmax over rows, with their backward passes.
 *
 * <p>Each row subtracts its maximum before exponentiating, so large logits never overflow and
 * -inf entries become exact zeros. The sum of exponentials is accumulated as in
 * {@link VectorOps#sum} (float lanes in blocks, block totals in double).
 *
 * <p>A row whose entries are all -inf (fully masked) has no probability mass to spread: softmax
 * writes all zeros and log-softmax writes all -inf, and their backward passes then give dx = 0
 * and dx = dy respectively. (PyTorch returns NaN for such rows.) A NaN or +inf entry makes the
 * whole row NaN, as in PyTorch. Outputs may be the input rows (in place).
 */
public final class Softmax {
    private Softmax() {}

    /** y = softmax(x) per row. */
    public static void forward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                               MemorySegment y, long yOff, int ldy) {
        OpChecks.rows("softmax", "x", x, xOff, rows, n, ldx);
        OpChecks.rows("softmax", "y", y, yOff, rows, n, ldy);
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) softmaxRow(x, xOff + (long) r * ldx, y, yOff + (long) r * ldy, n);
        });
    }

    /** y = log_softmax(x) per row. */
    public static void logForward(WorkerPool pool, int rows, int n, MemorySegment x, long xOff, int ldx,
                                  MemorySegment y, long yOff, int ldy) {
        OpChecks.rows("logSoftmax", "x", x, xOff, rows, n, ldx);
        OpChecks.rows("logSoftmax", "y", y, yOff, rows, n, ldy);
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) logSoftmaxRow(x, xOff + (long) r * ldx, y, yOff + (long) r * ldy, n);
        });
    }

    /** dx = y * (dy - sum(dy * y)) per row, from the forward output y; dx may be dy. */
    public static void backward(WorkerPool pool, int rows, int n, MemorySegment y, long yOff, int ldy,
                                MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx) {
        OpChecks.rows("softmaxBackward", "y", y, yOff, rows, n, ldy);
        OpChecks.rows("softmaxBackward", "dy", dy, dyOff, rows, n, lddy);
        OpChecks.rows("softmaxBackward", "dx", dx, dxOff, rows, n, lddx);
        RowParallel.run(pool, rows, n, 2, (from, to) -> {
            for (int r = from; r < to; r++) {
                long yo = yOff + (long) r * ldy, go = dyOff + (long) r * lddy, xo = dxOff + (long) r * lddx;
                float d = (float) VectorOps.dotRow(y, yo, dy, go, n);
                FloatVector dot = FloatVector.broadcast(S, d);
                int i = 0;
                for (int up = S.loopBound(n); i < up; i += L) {
                    fromMemorySegment(S, y, (yo + i) * 4L, NATIVE).mul(fromMemorySegment(S, dy, (go + i) * 4L, NATIVE).sub(dot))
                            .intoMemorySegment(dx, (xo + i) * 4L, NATIVE);
                }
                for (; i < n; i++) Simd.set(dx, xo + i, Simd.get(y, yo + i) * (Simd.get(dy, go + i) - d));
            }
        });
    }

    /** dx = dy - exp(logY) * sum(dy) per row, from the forward output logY; dx may be dy. */
    public static void logBackward(WorkerPool pool, int rows, int n, MemorySegment logY, long yOff, int ldy,
                                   MemorySegment dy, long dyOff, int lddy, MemorySegment dx, long dxOff, int lddx) {
        OpChecks.rows("logSoftmaxBackward", "logY", logY, yOff, rows, n, ldy);
        OpChecks.rows("logSoftmaxBackward", "dy", dy, dyOff, rows, n, lddy);
        OpChecks.rows("logSoftmaxBackward", "dx", dx, dxOff, rows, n, lddx);
        RowParallel.run(pool, rows, n, 4, (from, to) -> {
            for (int r = from; r < to; r++) {
                long yo = yOff + (long) r * ldy, go = dyOff + (long) r * lddy, xo = dxOff + (long) r * lddx;
                float total = (float) VectorOps.sumRow(dy, go, n);
                logBackwardRow(logY, yo, dy, go, dx, xo, n, total);
            }
        });
    }

    /**
     * Writes exp((x - s1) - s2) * scale to y (unless y is null; y may be x) and returns the sum of
     * exp((x - s1) - s2): float lanes within blocks, block totals in double. Softmax passes
     * s2 = 0, scale = 1, which change nothing; cross-entropy subtracts max and log-sum separately.
     */
    static double expRow(MemorySegment x, long xo, MemorySegment y, long yo, int n, float s1, float s2, float scale) {
        FloatVector v1 = FloatVector.broadcast(S, s1), v2 = FloatVector.broadcast(S, s2);
        FloatVector one = FloatVector.broadcast(S, 1f);
        double total = 0;
        int i = 0;
        int bound = S.loopBound(n);
        while (i < bound) {
            int end = Math.min(bound, i + VectorOps.BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector a = fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).sub(v1).sub(v2);
                // exp(a), inlined by hand from VectorMath.exp (see there for why)
                FloatVector xc = a.max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
                FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
                r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                        .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
                IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
                FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                        .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                if (y != null) e.mul(scale).intoMemorySegment(y, (yo + i) * 4L, NATIVE);
                acc = acc.add(e);
            }
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) {
            float e = VectorMath.exp(Simd.get(x, xo + i) - s1 - s2);
            if (y != null) Simd.set(y, yo + i, e * scale);
            total += e;
        }
        return total;
    }

    /** dx = dy - exp(logY) * total; dx may be dy. */
    private static void logBackwardRow(MemorySegment logY, long yo, MemorySegment dy, long go, MemorySegment dx, long xo, int n, float total) {
        FloatVector sum = FloatVector.broadcast(S, total), one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector a = fromMemorySegment(S, logY, (yo + i) * 4L, NATIVE);
            // exp(a), inlined by hand from VectorMath.exp (see there for why)
            FloatVector xc = a.max(EXP_LO).min(EXP_HI), t = xc.fma(LOG2E, ROUND_MAGIC), nf = t.sub(ROUND_MAGIC);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(C7, C6).fma(r, FloatVector.broadcast(S, C5)).fma(r, FloatVector.broadcast(S, C4))
                    .fma(r, FloatVector.broadcast(S, C3)).fma(r, FloatVector.broadcast(S, C2)).fma(r, one).fma(r, one);
            IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS), n1 = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector e = p.mul(n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e.neg().fma(sum, fromMemorySegment(S, dy, (go + i) * 4L, NATIVE)).intoMemorySegment(dx, (xo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(dx, xo + i, Math.fma(-VectorMath.exp(Simd.get(logY, yo + i)), total, Simd.get(dy, go + i)));
    }

    private static void softmaxRow(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        float max = VectorOps.maxRow(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(y, yo, n, 0f);
            return;
        }
        double sum = expRow(x, xo, y, yo, n, max, 0f, 1f);
        float scale = (float) (1.0 / sum);
        FloatVector inv = FloatVector.broadcast(S, scale);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            fromMemorySegment(S, y, (yo + i) * 4L, NATIVE).mul(inv).intoMemorySegment(y, (yo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(y, yo + i, Simd.get(y, yo + i) * scale);
    }

    private static void logSoftmaxRow(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        float max = VectorOps.maxRow(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(y, yo, n, Float.NEGATIVE_INFINITY);
            return;
        }
        double sum = expRow(x, xo, null, 0, n, max, 0f, 1f);
        // (x - max) - log(sum): subtracting the two parts separately keeps large logits exact.
        FloatVector sh = FloatVector.broadcast(S, max);
        float ls = (float) Math.log(sum);
        FloatVector logSum = FloatVector.broadcast(S, ls);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).sub(sh).sub(logSum).intoMemorySegment(y, (yo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(y, yo + i, Simd.get(x, xo + i) - max - ls);
    }

    static void fill(MemorySegment y, long yo, int n, float value) {
        for (int i = 0; i < n; i++) Simd.set(y, yo + i, value);
    }
}
