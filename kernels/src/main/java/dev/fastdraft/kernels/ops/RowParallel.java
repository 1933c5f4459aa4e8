package dev.fastdraft.kernels.ops;

import dev.fastdraft.kernels.WorkerPool;

/**
 * Splits row-wise work over a pool only when it is big enough to repay the dispatch (a few
 * microseconds): a single row, or a few thousand elements, run on the calling thread.
 */
final class RowParallel {
    /** Below this many element-operations the dispatch costs more than it saves. */
    static final long MIN_PARALLEL_WORK = 1 << 15;

    private RowParallel() {}

    /**
     * Runs {@code body} over [0, rows). {@code costPerElement} weighs expensive elements (an exp or
     * erf per element counts about 4) so those ops go parallel at smaller sizes.
     */
    static void run(WorkerPool pool, int rows, int n, int costPerElement, WorkerPool.RangeBody body) {
        long work = (long) rows * n * costPerElement;
        if (pool == null || pool.threads() == 1 || rows < 2 || work < MIN_PARALLEL_WORK) {
            body.run(0, rows);
            return;
        }
        long perRow = Math.max(1L, (long) n * costPerElement);
        int minRows = (int) Math.max(1, Math.min(rows, MIN_PARALLEL_WORK / 4 / perRow));
        pool.parallelRange(rows, minRows, body);
    }
}
