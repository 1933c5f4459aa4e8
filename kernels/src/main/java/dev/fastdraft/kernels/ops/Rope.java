package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Rotary position embedding in Hugging Face's rotate-half layout, in place on rows of
 * {@code nHeads * headDim} floats (q or k projections). In each head, with h = rotaryDim/2, the pairs
 * (x[i], x[i+h]) for i < h turn by the angle of (position, i):
 * <pre>
 *   x[i]   <- x[i]   * cos - x[i+h] * sin
 *   x[i+h] <- x[i+h] * cos + x[i]   * sin
 * </pre>
 * and x[rotaryDim..headDim) pass through (partial rotary). The products and the sum are rounded as
 * in HF's {@code q * cos + rotate_half(q) * sin}, so results match it bit for bit given the same tables.
 * The backward pass is the transpose: the same rotation by the negative angle (with the same scale).
 */
public final class Rope {
    private Rope() {}

    /** Rotates row t by position {@code positions[posOff + t]}. */
    public static void forward(WorkerPool pool, int rows, int nHeads, int headDim, int rotaryDim,
                               MemorySegment x, long xOff, int ldx, int[] positions, int posOff, RopeTable table) {
        apply("rope", pool, rows, nHeads, headDim, rotaryDim, x, xOff, ldx, positions, posOff, 0, table, false);
    }

    /** Rotates row t by position {@code startPos + t}. */
    public static void forward(WorkerPool pool, int rows, int nHeads, int headDim, int rotaryDim,
                               MemorySegment x, long xOff, int ldx, int startPos, RopeTable table) {
        apply("rope", pool, rows, nHeads, headDim, rotaryDim, x, xOff, ldx, null, 0, startPos, table, false);
    }

    /** Gradient through {@link #forward(WorkerPool, int, int, int, int, MemorySegment, long, int, int[], int, RopeTable)}, in place on dy. */
    public static void backward(WorkerPool pool, int rows, int nHeads, int headDim, int rotaryDim,
                                MemorySegment dy, long dyOff, int lddy, int[] positions, int posOff, RopeTable table) {
        apply("ropeBackward", pool, rows, nHeads, headDim, rotaryDim, dy, dyOff, lddy, positions, posOff, 0, table, true);
    }

    /** Gradient through {@link #forward(WorkerPool, int, int, int, int, MemorySegment, long, int, int, RopeTable)}, in place on dy. */
    public static void backward(WorkerPool pool, int rows, int nHeads, int headDim, int rotaryDim,
                                MemorySegment dy, long dyOff, int lddy, int startPos, RopeTable table) {
        apply("ropeBackward", pool, rows, nHeads, headDim, rotaryDim, dy, dyOff, lddy, null, 0, startPos, table, true);
    }

    private static void apply(String op, WorkerPool pool, int rows, int nHeads, int headDim, int rotaryDim,
                              MemorySegment x, long xOff, int ldx, int[] positions, int posOff, int startPos,
                              RopeTable table, boolean inverse) {
        if (table == null) throw OpChecks.fail(op, "table is null");
        if (nHeads < 1 || headDim < 1) throw OpChecks.fail(op,
                "need nHeads >= 1 and headDim >= 1, got " + nHeads + " x " + headDim);
        if (rotaryDim < 2 || rotaryDim % 2 != 0 || rotaryDim > headDim) throw OpChecks.fail(op,
                "rotaryDim must be even, >= 2 and <= headDim " + headDim + ", got " + rotaryDim);
        if (table.halfDim() != rotaryDim / 2) throw OpChecks.fail(op,
                "table has " + table.halfDim() + " frequencies but rotaryDim " + rotaryDim + " needs " + rotaryDim / 2);
        OpChecks.rows(op, "x", x, xOff, rows, Math.multiplyExact(nHeads, headDim), ldx);
        if (positions != null) {
            OpChecks.ints(op, "positions", positions, posOff, rows);
            for (int t = 0; t < rows; t++) checkPosition(op, positions[posOff + t], t, table);
        } else if (rows > 0) {
            checkPosition(op, startPos, 0, table);
            checkPosition(op, (long) startPos + rows - 1, rows - 1, table);
        }
        int half = rotaryDim / 2;
        RowParallel.run(pool, rows, nHeads * rotaryDim, 2, (from, to) -> {
            for (int t = from; t < to; t++) {
                int p = positions != null ? positions[posOff + t] : startPos + t;
                long tab = (long) p * half;
                long row = xOff + (long) t * ldx;
                for (int h = 0; h < nHeads; h++) rotate(x, row + (long) h * headDim, half, table, tab, inverse);
            }
        });
    }

    private static void checkPosition(String op, long p, int row, RopeTable table) {
        if (p < 0 || p >= table.maxPositions()) {
            throw new IndexOutOfBoundsException(op + ": position " + p + " of row " + row
                    + " is outside the table's [0, " + table.maxPositions() + ")");
        }
    }

    private static void rotate(MemorySegment x, long base, int half, RopeTable table, long tab, boolean inverse) {
        MemorySegment cos = table.cos(), sin = table.sin();
        // the inverse negates sin by a multiply (exact), not by a branch that would box the vector
        float sign = inverse ? -1f : 1f;
        FloatVector vsign = FloatVector.broadcast(S, sign);
        int i = 0;
        for (int up = S.loopBound(half); i < up; i += L) {
            FloatVector a = fromMemorySegment(S, x, (base + i) * 4L, NATIVE), b = fromMemorySegment(S, x, (base + half + i) * 4L, NATIVE);
            FloatVector c = fromMemorySegment(S, cos, (tab + i) * 4L, NATIVE);
            FloatVector s = fromMemorySegment(S, sin, (tab + i) * 4L, NATIVE).mul(vsign);
            a.mul(c).sub(b.mul(s)).intoMemorySegment(x, (base + i) * 4L, NATIVE);
            b.mul(c).add(a.mul(s)).intoMemorySegment(x, (base + half + i) * 4L, NATIVE);
        }
        for (; i < half; i++) {
            float a = Simd.get(x, base + i), b = Simd.get(x, base + half + i);
            float c = Simd.get(cos, tab + i), s = Simd.get(sin, tab + i) * sign;
            Simd.set(x, base + i, a * c - b * s);
            Simd.set(x, base + half + i, b * c + a * s);
        }
    }
}
