package dev.fastdraft.kernels.gemv;

import static dev.fastdraft.kernels.gemv.Bf16Panels.WIDTH;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code y = x . W^T} for a few activation rows against BF16 weights re-laid in {@link Bf16Panels}: the
 * decode step, the verification of draft tokens and short prompts of a model that generates.
 *
 * <p>The row-major {@link SkinnyGemm} takes dot products: one activation load per multiply-add and a sum
 * across lanes per output. Here a k step of a panel is one load that decodes to two vectors of outputs,
 * each activation is a broadcast shared by both, and the accumulators already are the outputs: with 4 rows
 * that is 8 multiply-adds per weight load and no reduction. Measured against {@link SkinnyGemm} on the
 * same weights, 2 threads, from DRAM (kernels/README.md): about as fast for 1 row and 1.3-1.9x faster for
 * 2 to 8 rows.
 *
 * <p>Panels are split among the pool's threads in contiguous ranges. One row takes four panels at a time
 * from four places of its range, so each thread reads four weight streams; more rows take the panels two at
 * a time, in groups of four rows (then 3, 2 or 1), every group after the first finding the panel in cache.
 */
public final class PanelGemm {
    /** Weight bytes below which one more task is not worth its hand-over. */
    private static final long MIN_TASK_BYTES = 64 * 1024;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private PanelGemm() {}

    /**
     * {@code y[r][j] = (accumulate ? y[r][j] : 0) + sum_i x[r][i] * W[j][i]} for r < rows, j < n, i < k,
     * with n and k those of {@code w}.
     *
     * @param x activations, row r at float index {@code xOff + r * ldx}, k floats per row
     * @param y outputs, row r at float index {@code yOff + r * ldy}, n floats per row; must not overlap x or w
     */
    public static void matmulTransposed(WorkerPool pool, int rows, MemorySegment x, long xOff, int ldx,
                                        Bf16Panels w, MemorySegment y, long yOff, int ldy, boolean accumulate) {
        if (w == null) throw new IllegalArgumentException("PanelGemm.matmulTransposed(rows=" + rows + "): w is null");
        int n = w.n(), k = w.k();
        SkinnyGemmChecks.check("PanelGemm.matmulTransposed(rows=" + rows + ", n=" + n + ", k=" + k + ", bf16 panels)",
                pool, rows, n, k, x, xOff, ldx, WeightType.BF16, w.segment(), 0, y, yOff, ldy);
        if (rows == 0 || n == 0) return;
        float[] xa = interleaved(rows, k, x, xOff, ldx);

        int panels = w.panelCount();
        long panelBytes = Math.max(1, w.panelBytes());
        int tasks = (int) Math.max(1, Math.min(Math.min(panels, pool.threads() * 8L), panels * panelBytes / MIN_TASK_BYTES));
        int perTask = (panels + tasks - 1) / tasks;
        int taskCount = (panels + perTask - 1) / perTask;
        pool.parallelFor(taskCount, task -> {
            int from = task * perTask, to = Math.min(panels, from + perTask);
            int width = (to - from) * WIDTH;
            float[] out = scratch(rows * width);
            if (rows == 1) oneRow(w, from, to, xa, out);
            else manyRows(w, from, to, rows, xa, out, width);
            store(out, width, rows, Math.min(width, n - from * WIDTH), y, yOff + (long) from * WIDTH, ldy, accumulate);
        });
    }

    /**
     * The activations in the order the tiles read them: rows in groups of four (the last group 1 to 3 rows),
     * each group's rows interleaved, so a k step's broadcasts sit side by side at one index.
     */
    private static float[] interleaved(int rows, int k, MemorySegment x, long xOff, int ldx) {
        float[] xa = new float[rows * k];
        float[] row = rows > 1 ? new float[k] : null;
        for (int g = 0; g < rows; g += 4) {
            int size = Math.min(4, rows - g);
            for (int i = 0; i < size; i++) {
                long from = (xOff + (long) (g + i) * ldx) * Float.BYTES;
                if (size == 1) {
                    MemorySegment.copy(x, FLOAT, from, xa, g * k, k);
                    continue;
                }
                MemorySegment.copy(x, FLOAT, from, row, 0, k);
                for (int p = 0, at = g * k + i; p < k; p++, at += size) xa[at] = row[p];
            }
        }
        return xa;
    }

    private static float[] scratch(int floats) {
        float[] s = SCRATCH.get();
        if (s == null || s.length < floats) SCRATCH.set(s = new float[floats]);
        return s;
    }

    private static void oneRow(Bf16Panels w, int from, int to, float[] x, float[] out) {
        MemorySegment seg = w.segment();
        int k = w.k();
        long pb = w.panelBytes();
        int spread = (to - from) / 4;
        for (int i = 0; i < spread; i++) {
            int q0 = from + i, q1 = q0 + spread, q2 = q1 + spread, q3 = q2 + spread;
            Bf16PanelKernel.rows1x4(seg, q0 * pb, q1 * pb, q2 * pb, q3 * pb, k, x, 0,
                    out, (q0 - from) * WIDTH, (q1 - from) * WIDTH, (q2 - from) * WIDTH, (q3 - from) * WIDTH);
        }
        for (int q = from + 4 * spread; q < to; q += 2) {
            int q1 = Math.min(q + 1, to - 1); // a last odd panel is computed twice into the same place
            Bf16PanelKernel.rows1x2(seg, q * pb, q1 * pb, k, x, 0, out, (q - from) * WIDTH, (q1 - from) * WIDTH);
        }
    }

    private static void manyRows(Bf16Panels w, int from, int to, int rows, float[] x, float[] out, int ldo) {
        MemorySegment seg = w.segment();
        int k = w.k();
        long pb = w.panelBytes();
        for (int q = from; q < to; q += 2) {
            boolean pair = q + 1 < to;
            int q1 = pair ? q + 1 : q;
            long o0 = q * pb, o1 = q1 * pb;
            int c0 = (q - from) * WIDTH, c1 = (q1 - from) * WIDTH;
            int r = 0;
            for (; rows - r >= 4; r += 4) {
                Bf16PanelKernel.rows4(seg, o0, k, x, r * k, out, r * ldo + c0, ldo);
                if (pair) Bf16PanelKernel.rows4(seg, o1, k, x, r * k, out, r * ldo + c1, ldo);
            }
            switch (rows - r) {
                case 3 -> {
                    Bf16PanelKernel.rows3(seg, o0, k, x, r * k, out, r * ldo + c0, ldo);
                    if (pair) Bf16PanelKernel.rows3(seg, o1, k, x, r * k, out, r * ldo + c1, ldo);
                }
                case 2 -> Bf16PanelKernel.rows2x2(seg, o0, o1, k, x, r * k, out, r * ldo + c0, r * ldo + c1, ldo);
                case 1 -> Bf16PanelKernel.rows1x2(seg, o0, o1, k, x, r * k, out, r * ldo + c0, r * ldo + c1);
                default -> { }
            }
        }
    }

    /** Copies (or adds) the task's results, [rows x count] of {@code out} with row stride {@code ldo}, into y. */
    private static void store(float[] out, int ldo, int rows, int count, MemorySegment y, long yOff, int ldy, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long at = (yOff + (long) r * ldy) * Float.BYTES;
            if (!accumulate) {
                MemorySegment.copy(out, r * ldo, y, FLOAT, at, count);
                continue;
            }
            for (int c = 0; c < count; c++) {
                long e = at + (long) c * Float.BYTES;
                y.set(FLOAT, e, y.get(FLOAT, e) + out[r * ldo + c]);
            }
        }
    }
}
