package dev.fastdraft.kernels.gemv;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;

/**
 * {@code y = x . W^T} for a few activation rows against a large weight matrix: the decode step (1 row) and
 * the verification of draft tokens (2 to 16 rows). These products are bound by reading W, so the kernel
 * reads every weight once for all rows and keeps the arithmetic per weight small.
 *
 * <p>W uses the layout of Hugging Face's Linear: [n x k] row-major, n outputs by k inputs, stored in
 * {@code w} from byte {@code wByteOff} on as {@link WeightType} elements, little-endian, at any alignment
 * (a memory-mapped safetensors file is fine). x and y are float rows in native order.
 *
 * <p>Rows are processed in blocks of {@link #ROWS_PER_PASS}; each block reads W once, so callers with many
 * more rows (prefill, training) should use a GEMM instead. Outputs are split among the pool's threads in
 * contiguous ranges, each thread streaming its own weight rows from four places at once.
 */
public final class SkinnyGemm {
    /** Rows sharing one read of the weights. */
    public static final int ROWS_PER_PASS = 16;

    /** Weight bytes below which one more task is not worth its hand-over (a few microseconds). */
    private static final long MIN_TASK_BYTES = 64 * 1024;

    private SkinnyGemm() {}

    /**
     * {@code y[r][j] = (accumulate ? y[r][j] : 0) + sum_i x[r][i] * W[j][i]} for r < rows, j < n, i < k.
     *
     * @param x   activations, row r at float index {@code xOff + r * ldx}, k floats per row
     * @param w   weights [n x k] of type {@code wt}, from byte {@code wByteOff}
     * @param y   outputs, row r at float index {@code yOff + r * ldy}, n floats per row; must not overlap x or w
     */
    public static void matmulTransposed(WorkerPool pool, int rows, int n, int k,
                                        MemorySegment x, long xOff, int ldx,
                                        WeightType wt, MemorySegment w, long wByteOff,
                                        MemorySegment y, long yOff, int ldy, boolean accumulate) {
        SkinnyGemmChecks.check(pool, rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
        if (rows == 0 || n == 0) return;
        SkinnyKernel kernel = wt.kernel();
        long rowBytes = wt.rowBytes(k);
        int tiles = (n + SkinnyKernel.TILE - 1) / SkinnyKernel.TILE;
        long tileBytes = Math.max(1, rowBytes * SkinnyKernel.TILE);
        int tasks = (int) Math.max(1, Math.min(Math.min(tiles, pool.threads() * 8L), tiles * tileBytes / MIN_TASK_BYTES));
        int tilesPerTask = (tiles + tasks - 1) / tasks;
        int taskCount = (tiles + tilesPerTask - 1) / tilesPerTask;
        for (int r0 = 0; r0 < rows; r0 += ROWS_PER_PASS) {
            int block = Math.min(ROWS_PER_PASS, rows - r0);
            SkinnyKernel.Activations a = kernel.pack(block, k, x, xOff + (long) r0 * ldx, ldx);
            SkinnyKernel.Pass pass = new SkinnyKernel.Pass(kernel, a, w, wByteOff, rowBytes, y, yOff + (long) r0 * ldy, ldy, accumulate);
            pool.parallelFor(taskCount, task -> {
                int from = task * tilesPerTask * SkinnyKernel.TILE;
                int to = Math.min(n, (task + 1) * tilesPerTask * SkinnyKernel.TILE);
                // tile i of the task takes outputs from + i + q * spread, q < TILE: four streams through its weights
                int spread = (to - from) / SkinnyKernel.TILE;
                for (int i = 0; i < spread; i++) kernel.tile(pass, from + i, spread, SkinnyKernel.TILE);
                for (int j = from + spread * SkinnyKernel.TILE; j < to; j++) kernel.tile(pass, j, 1, 1);
            });
        }
    }
}
