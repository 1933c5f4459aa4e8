package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.load;
import static dev.fastdraft.kernels.ops.Simd.store;
import static dev.fastdraft.kernels.ops.Simd.tail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
                FloatVector dot = FloatVector.broadcast(Simd.S, (float) VectorOps.dotRow(y, yo, dy, go, n));
                int i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    store(load(y, yo + i).mul(load(dy, go + i).sub(dot)), dx, xo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    store(load(y, yo + i, m).mul(load(dy, go + i, m).sub(dot)), dx, xo + i, m);
                }
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
                FloatVector sum = FloatVector.broadcast(Simd.S, (float) VectorOps.sumRow(dy, go, n));
                int i = 0;
                for (int up = Simd.S.loopBound(n); i < up; i += L) {
                    FloatVector p = VectorMath.exp(load(logY, yo + i));
                    store(p.neg().fma(sum, load(dy, go + i)), dx, xo + i);
                }
                if (i < n) {
                    VectorMask<Float> m = tail(i, n);
                    FloatVector p = VectorMath.exp(load(logY, yo + i, m));
                    store(p.neg().fma(sum, load(dy, go + i, m)), dx, xo + i, m);
                }
            }
        });
    }

    /** Writes exp(x - shift) to y and returns the sum of what it wrote (blocked, in double). */
    static double expShiftRow(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift) {
        FloatVector sh = FloatVector.broadcast(Simd.S, shift);
        double total = 0;
        int i = 0;
        while (i < n) {
            int end = Math.min(n, i + VectorOps.BLOCK);
            FloatVector acc = FloatVector.zero(Simd.S);
            for (; i + L <= end; i += L) {
                FloatVector e = VectorMath.exp(load(x, xo + i).sub(sh));
                if (y != null) store(e, y, yo + i);
                acc = acc.add(e);
            }
            if (i < end) {
                VectorMask<Float> m = tail(i, end);
                FloatVector e = VectorMath.exp(load(x, xo + i, m).sub(sh));
                if (y != null) store(e, y, yo + i, m);
                acc = acc.add(e, m);
                i = end;
            }
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        return total;
    }

    private static void softmaxRow(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        float max = VectorOps.maxRow(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(y, yo, n, 0f);
            return;
        }
        double sum = expShiftRow(x, xo, y, yo, n, max);
        FloatVector inv = FloatVector.broadcast(Simd.S, (float) (1.0 / sum));
        int i = 0;
        for (int up = Simd.S.loopBound(n); i < up; i += L) store(load(y, yo + i).mul(inv), y, yo + i);
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            store(load(y, yo + i, m).mul(inv), y, yo + i, m);
        }
    }

    private static void logSoftmaxRow(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
        float max = VectorOps.maxRow(x, xo, n);
        if (max == Float.NEGATIVE_INFINITY) {
            fill(y, yo, n, Float.NEGATIVE_INFINITY);
            return;
        }
        double sum = expShiftRow(x, xo, null, 0, n, max);
        // (x - max) - log(sum): subtracting the two parts separately keeps large logits exact.
        FloatVector sh = FloatVector.broadcast(Simd.S, max);
        FloatVector logSum = FloatVector.broadcast(Simd.S, (float) Math.log(sum));
        int i = 0;
        for (int up = Simd.S.loopBound(n); i < up; i += L) store(load(x, xo + i).sub(sh).sub(logSum), y, yo + i);
        if (i < n) {
            VectorMask<Float> m = tail(i, n);
            store(load(x, xo + i, m).sub(sh).sub(logSum), y, yo + i, m);
        }
    }

    static void fill(MemorySegment y, long yo, int n, float value) {
        for (int i = 0; i < n; i++) Simd.set(y, yo + i, value);
    }
}
