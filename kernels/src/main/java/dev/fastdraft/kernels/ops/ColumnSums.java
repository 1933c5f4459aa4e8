package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.load;
import static dev.fastdraft.kernels.ops.Simd.store;
import static dev.fastdraft.kernels.ops.Simd.tail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Column reductions for weight gradients: {@code out[j] += sum_r a[r][j] * (b[r][j] - shift[r]) * scale[r]}
 * with each of b, shift, scale optional. Work is split by column blocks, so each task owns its
 * output columns (no races, same result for any thread count) and reads rows as contiguous runs.
 * Each column accumulates in float over the rows, in row order.
 */
final class ColumnSums {
    private static final int BLOCK_COLS = 4 * L;

    private ColumnSums() {}

    static void addWeightedProducts(WorkerPool pool, int rows, int n,
                                    MemorySegment a, long aOff, int lda,
                                    MemorySegment b, long bOff, int ldb,
                                    MemorySegment scale, long scaleOff,
                                    MemorySegment shift, long shiftOff,
                                    MemorySegment out, long outOff) {
        if (rows == 0 || n == 0) return;
        int fullBlocks = n / BLOCK_COLS;
        int tasks = fullBlocks + (n % BLOCK_COLS != 0 ? 1 : 0);
        Runnable serial = () -> { for (int t = 0; t < tasks; t++) block(t, rows, n, a, aOff, lda, b, bOff, ldb, scale, scaleOff, shift, shiftOff, out, outOff); };
        if (pool == null || tasks == 1 || (long) rows * n < RowParallel.MIN_PARALLEL_WORK) {
            serial.run();
        } else {
            pool.parallelFor(tasks, t -> block(t, rows, n, a, aOff, lda, b, bOff, ldb, scale, scaleOff, shift, shiftOff, out, outOff));
        }
    }

    private static void block(int t, int rows, int n, MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                              MemorySegment scale, long scaleOff, MemorySegment shift, long shiftOff,
                              MemorySegment out, long outOff) {
        int c0 = t * BLOCK_COLS;
        if (c0 + BLOCK_COLS <= n) {
            FloatVector s0 = FloatVector.zero(Simd.S), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < rows; r++) {
                long ao = aOff + (long) r * lda + c0, bo = bOff + (long) r * ldb + c0;
                float sh = shift == null ? 0f : Simd.get(shift, shiftOff + r);
                float sc = scale == null ? 1f : Simd.get(scale, scaleOff + r);
                s0 = term(a, ao, b, bo, sh, sc).add(s0);
                s1 = term(a, ao + L, b, bo + L, sh, sc).add(s1);
                s2 = term(a, ao + 2 * L, b, bo + 2 * L, sh, sc).add(s2);
                s3 = term(a, ao + 3 * L, b, bo + 3 * L, sh, sc).add(s3);
            }
            long oo = outOff + c0;
            store(load(out, oo).add(s0), out, oo);
            store(load(out, oo + L).add(s1), out, oo + L);
            store(load(out, oo + 2 * L).add(s2), out, oo + 2 * L);
            store(load(out, oo + 3 * L).add(s3), out, oo + 3 * L);
            return;
        }
        for (int c = c0; c < n; c += L) {
            VectorMask<Float> m = tail(c, n);
            FloatVector s = FloatVector.zero(Simd.S);
            for (int r = 0; r < rows; r++) {
                long ao = aOff + (long) r * lda + c, bo = bOff + (long) r * ldb + c;
                float sh = shift == null ? 0f : Simd.get(shift, shiftOff + r);
                float sc = scale == null ? 1f : Simd.get(scale, scaleOff + r);
                FloatVector va = load(a, ao, m);
                FloatVector term = b == null ? va : va.mul(load(b, bo, m).sub(sh).mul(sc));
                s = s.add(term);
            }
            store(load(out, outOff + c, m).add(s), out, outOff + c, m);
        }
    }

    private static FloatVector term(MemorySegment a, long ao, MemorySegment b, long bo, float sh, float sc) {
        FloatVector va = load(a, ao);
        return b == null ? va : va.mul(load(b, bo).sub(sh).mul(sc));
    }
}
