package dev.fastdraft.kernels.ops;

import static dev.fastdraft.kernels.ops.Simd.L;
import static dev.fastdraft.kernels.ops.Simd.NATIVE;
import static dev.fastdraft.kernels.ops.Simd.S;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

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
            // Four column vectors stay in registers down all the rows.
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0; r < rows; r++) {
                long ao = aOff + (long) r * lda + c0;
                if (b == null) {
                    s0 = s0.add(fromMemorySegment(S, a, (ao) * 4L, NATIVE));
                    s1 = s1.add(fromMemorySegment(S, a, (ao + L) * 4L, NATIVE));
                    s2 = s2.add(fromMemorySegment(S, a, (ao + 2 * L) * 4L, NATIVE));
                    s3 = s3.add(fromMemorySegment(S, a, (ao + 3 * L) * 4L, NATIVE));
                } else {
                    long bo = bOff + (long) r * ldb + c0;
                    FloatVector sh = FloatVector.broadcast(S, shift == null ? 0f : Simd.get(shift, shiftOff + r));
                    FloatVector sc = FloatVector.broadcast(S, scale == null ? 1f : Simd.get(scale, scaleOff + r));
                    s0 = fromMemorySegment(S, a, (ao) * 4L, NATIVE).fma(fromMemorySegment(S, b, (bo) * 4L, NATIVE).sub(sh).mul(sc), s0);
                    s1 = fromMemorySegment(S, a, (ao + L) * 4L, NATIVE).fma(fromMemorySegment(S, b, (bo + L) * 4L, NATIVE).sub(sh).mul(sc), s1);
                    s2 = fromMemorySegment(S, a, (ao + 2 * L) * 4L, NATIVE).fma(fromMemorySegment(S, b, (bo + 2 * L) * 4L, NATIVE).sub(sh).mul(sc), s2);
                    s3 = fromMemorySegment(S, a, (ao + 3 * L) * 4L, NATIVE).fma(fromMemorySegment(S, b, (bo + 3 * L) * 4L, NATIVE).sub(sh).mul(sc), s3);
                }
            }
            long oo = outOff + c0;
            fromMemorySegment(S, out, (oo) * 4L, NATIVE).add(s0).intoMemorySegment(out, (oo) * 4L, NATIVE);
            fromMemorySegment(S, out, (oo + L) * 4L, NATIVE).add(s1).intoMemorySegment(out, (oo + L) * 4L, NATIVE);
            fromMemorySegment(S, out, (oo + 2 * L) * 4L, NATIVE).add(s2).intoMemorySegment(out, (oo + 2 * L) * 4L, NATIVE);
            fromMemorySegment(S, out, (oo + 3 * L) * 4L, NATIVE).add(s3).intoMemorySegment(out, (oo + 3 * L) * 4L, NATIVE);
            return;
        }
        // the last, partial block: scalar, column by column down the rows
        for (int c = c0; c < n; c++) {
            float acc = 0f;
            for (int r = 0; r < rows; r++) {
                float va = Simd.get(a, aOff + (long) r * lda + c);
                if (b == null) {
                    acc += va;
                } else {
                    float sh = shift == null ? 0f : Simd.get(shift, shiftOff + r);
                    float sc = scale == null ? 1f : Simd.get(scale, scaleOff + r);
                    acc = Math.fma(va, (Simd.get(b, bOff + (long) r * ldb + c) - sh) * sc, acc);
                }
            }
            Simd.set(out, outOff + c, Simd.get(out, outOff + c) + acc);
        }
    }
}
