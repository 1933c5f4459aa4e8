package dev.fastdraft.kernels.ops;

import dev.fastdraft.kernels.Lanes;
import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Element-wise arithmetic and reductions on float rows.
 *
 * <p>Element-wise ops take {@code rows} rows of {@code n} floats with their own row strides, so
 * they work on column slices of wider matrices; the output may be the same rows as an input
 * (in place) but must not partially overlap one. A {@code null} pool runs on the calling thread.
 *
 * <p>Reductions ({@link #sum}, {@link #dot}, {@link #sumSquares}) keep four vector accumulators
 * (4 x 16 independent float partial sums on AVX-512) inside blocks of {@value #BLOCK} elements and
 * add the block totals in double. Each float partial then sums only BLOCK/(4L) terms, so the error is
 * about (BLOCK/(4L) + log2(4L)) ulp of the sum of magnitudes however long the row, instead of
 * growing with n as a plain float loop does.
 */
public final class VectorOps {
    static final int BLOCK = 1024;

    private VectorOps() {}

    /** out = a + b. */
    public static void add(WorkerPool pool, int rows, int n, MemorySegment a, long aOff, int lda,
                           MemorySegment b, long bOff, int ldb, MemorySegment out, long outOff, int ldo) {
        binary("add", true, pool, rows, n, a, aOff, lda, b, bOff, ldb, out, outOff, ldo);
    }

    /** out = a * b (element-wise). */
    public static void mul(WorkerPool pool, int rows, int n, MemorySegment a, long aOff, int lda,
                           MemorySegment b, long bOff, int ldb, MemorySegment out, long outOff, int ldo) {
        binary("mul", false, pool, rows, n, a, aOff, lda, b, bOff, ldb, out, outOff, ldo);
    }

    /** out = alpha * x. */
    public static void scale(WorkerPool pool, int rows, int n, float alpha, MemorySegment x, long xOff, int ldx,
                             MemorySegment out, long outOff, int ldo) {
        OpChecks.rows("scale", "x", x, xOff, rows, n, ldx);
        OpChecks.rows("scale", "out", out, outOff, rows, n, ldo);
        RowParallel.run(pool, rows, n, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, oo = outOff + (long) r * ldo;
                int i = 0;
                for (int up = S.loopBound(n); i < up; i += L) {
                    fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).mul(alpha).intoMemorySegment(out, (oo + i) * 4L, NATIVE);
                }
                for (; i < n; i++) Simd.set(out, oo + i, alpha * Simd.get(x, xo + i));
            }
        });
    }

    /** y += alpha * x (BLAS axpy). */
    public static void axpy(WorkerPool pool, int rows, int n, float alpha, MemorySegment x, long xOff, int ldx,
                            MemorySegment y, long yOff, int ldy) {
        OpChecks.rows("axpy", "x", x, xOff, rows, n, ldx);
        OpChecks.rows("axpy", "y", y, yOff, rows, n, ldy);
        RowParallel.run(pool, rows, n, 1, (from, to) -> {
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (int r = from; r < to; r++) {
                long xo = xOff + (long) r * ldx, yo = yOff + (long) r * ldy;
                int i = 0;
                for (int up = S.loopBound(n); i < up; i += L) {
                    fromMemorySegment(S, x, (xo + i) * 4L, NATIVE).fma(va, fromMemorySegment(S, y, (yo + i) * 4L, NATIVE))
                            .intoMemorySegment(y, (yo + i) * 4L, NATIVE);
                }
                for (; i < n; i++) Simd.set(y, yo + i, Math.fma(alpha, Simd.get(x, xo + i), Simd.get(y, yo + i)));
            }
        });
    }

    /** dst = src, row by row (overlapping rows are copied as if through a temporary). */
    public static void copy(WorkerPool pool, int rows, int n, MemorySegment src, long srcOff, int lds,
                            MemorySegment dst, long dstOff, int ldd) {
        OpChecks.rows("copy", "src", src, srcOff, rows, n, lds);
        OpChecks.rows("copy", "dst", dst, dstOff, rows, n, ldd);
        if (n == 0) return;
        if (rows > 1 && lds == n && ldd == n) {
            MemorySegment.copy(src, srcOff * Float.BYTES, dst, dstOff * Float.BYTES, (long) rows * n * Float.BYTES);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src, (srcOff + (long) r * lds) * Float.BYTES, dst, (dstOff + (long) r * ldd) * Float.BYTES,
                    (long) n * Float.BYTES);
        }
    }

    /** Sum of x[off .. off+n); 0 for n = 0. */
    public static double sum(int n, MemorySegment x, long off) {
        OpChecks.vector("sum", "x", x, off, n);
        return sumRow(x, off, n);
    }

    /** Largest element; -inf for n = 0; NaN if any element is NaN. */
    public static float max(int n, MemorySegment x, long off) {
        OpChecks.vector("max", "x", x, off, n);
        return maxRow(x, off, n);
    }

    /** Sum of x[i] * y[i]. */
    public static double dot(int n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        OpChecks.vector("dot", "x", x, xOff, n);
        OpChecks.vector("dot", "y", y, yOff, n);
        return dotRow(x, xOff, y, yOff, n);
    }

    /** Sum of x[i]^2. */
    public static double sumSquares(int n, MemorySegment x, long off) {
        OpChecks.vector("sumSquares", "x", x, off, n);
        return dotRow(x, off, x, off, n);
    }

    private static void binary(String op, boolean isAdd, WorkerPool pool, int rows, int n,
                               MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                               MemorySegment out, long outOff, int ldo) {
        OpChecks.rows(op, "a", a, aOff, rows, n, lda);
        OpChecks.rows(op, "b", b, bOff, rows, n, ldb);
        OpChecks.rows(op, "out", out, outOff, rows, n, ldo);
        RowParallel.run(pool, rows, n, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                long ao = aOff + (long) r * lda, bo = bOff + (long) r * ldb, oo = outOff + (long) r * ldo;
                if (isAdd) addRow(a, ao, b, bo, out, oo, n);
                else mulRow(a, ao, b, bo, out, oo, n);
            }
        });
    }

    // Separate loops, not one with "isAdd ? a.add(b) : a.mul(b)": a vector chosen by a branch is boxed.
    private static void addRow(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment out, long oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            fromMemorySegment(S, a, (ao + i) * 4L, NATIVE)
                    .add(fromMemorySegment(S, b, (bo + i) * 4L, NATIVE))
                    .intoMemorySegment(out, (oo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(out, oo + i, Simd.get(a, ao + i) + Simd.get(b, bo + i));
    }

    private static void mulRow(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment out, long oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            fromMemorySegment(S, a, (ao + i) * 4L, NATIVE)
                    .mul(fromMemorySegment(S, b, (bo + i) * 4L, NATIVE))
                    .intoMemorySegment(out, (oo + i) * 4L, NATIVE);
        }
        for (; i < n; i++) Simd.set(out, oo + i, Simd.get(a, ao + i) * Simd.get(b, bo + i));
    }

    // ---- unchecked row reductions, shared with the other kernels ----

    static double sumRow(MemorySegment x, long off, int n) {
        double total = 0;
        int i = 0, bound = S.loopBound(n);
        while (i < bound) {
            int end = Math.min(bound, i + BLOCK);
            // not a static constant: a vector from a static field as loop input defeats C2's unboxing
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; i + 4 * L <= end; i += 4 * L) {
                long b = (off + i) * 4L;
                a0 = a0.add(fromMemorySegment(S, x, b, NATIVE));
                a1 = a1.add(fromMemorySegment(S, x, b + 4L * L, NATIVE));
                a2 = a2.add(fromMemorySegment(S, x, b + 8L * L, NATIVE));
                a3 = a3.add(fromMemorySegment(S, x, b + 12L * L, NATIVE));
            }
            for (; i < end; i += L) a0 = a0.add(fromMemorySegment(S, x, (off + i) * 4L, NATIVE));
            total += Lanes.sum(a0.add(a1).add(a2.add(a3)));
        }
        for (; i < n; i++) total += Simd.get(x, off + i);
        return total;
    }

    static double dotRow(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        double total = 0;
        int i = 0, bound = S.loopBound(n);
        while (i < bound) {
            int end = Math.min(bound, i + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; i + 4 * L <= end; i += 4 * L) {
                long bx = (xOff + i) * 4L, by = (yOff + i) * 4L;
                a0 = fromMemorySegment(S, x, bx, NATIVE).fma(fromMemorySegment(S, y, by, NATIVE), a0);
                a1 = fromMemorySegment(S, x, bx + 4L * L, NATIVE).fma(fromMemorySegment(S, y, by + 4L * L, NATIVE), a1);
                a2 = fromMemorySegment(S, x, bx + 8L * L, NATIVE).fma(fromMemorySegment(S, y, by + 8L * L, NATIVE), a2);
                a3 = fromMemorySegment(S, x, bx + 12L * L, NATIVE).fma(fromMemorySegment(S, y, by + 12L * L, NATIVE), a3);
            }
            for (; i < end; i += L) {
                a0 = fromMemorySegment(S, x, (xOff + i) * 4L, NATIVE).fma(fromMemorySegment(S, y, (yOff + i) * 4L, NATIVE), a0);
            }
            total += Lanes.sum(a0.add(a1).add(a2.add(a3)));
        }
        for (; i < n; i++) total += (double) Simd.get(x, xOff + i) * Simd.get(y, yOff + i);
        return total;
    }

    static float maxRow(MemorySegment x, long off, int n) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            m0 = m0.max(fromMemorySegment(S, x, (off + i) * 4L, NATIVE));
            m1 = m1.max(fromMemorySegment(S, x, (off + i + L) * 4L, NATIVE));
        }
        for (; i + L <= n; i += L) m0 = m0.max(fromMemorySegment(S, x, (off + i) * 4L, NATIVE));
        float best = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) best = Math.max(best, Simd.get(x, off + i));
        return best;
    }
}
