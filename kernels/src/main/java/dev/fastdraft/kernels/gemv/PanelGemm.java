package dev.fastdraft.kernels.gemv;

import static dev.fastdraft.kernels.gemv.Panels.WIDTH;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

/**
 * {@code y = x . W^T} for a few activation rows against BF16 or F16 weights re-laid in {@link Panels}: the
 * decode step, the verification of draft tokens and short prompts of a model that generates.
 *
 * <p>The row-major {@link SkinnyGemm} takes dot products: one activation load per multiply-add and a sum
 * across lanes per output. Here a k step of a panel is one load that decodes to two vectors of outputs,
 * each activation is a broadcast shared by both, and the accumulators already are the outputs: with 4 rows
 * that is 8 multiply-adds per weight load and no reduction. Measured against {@link SkinnyGemm} on the
 * same weights, 2 threads, from DRAM (kernels/README.md): about as fast for 1 row, and for 2 to 8 rows
 * 1.3-1.9x faster with one stream per panel, more with two.
 *
 * <p>Panels are split among the pool's threads in contiguous ranges of whole tiles. Every tile reads a panel's two halves
 * of k side by side (two weight streams per panel; see {@link Bf16PanelKernel}). One row takes four panels
 * at a time (then two); more rows take two at a time, in the row groups of {@link #groupSize}, every group
 * after the first finding the panels in cache.
 */
public final class PanelGemm {
    /** Weight bytes below which one more task is not worth its hand-over. */
    private static final long MIN_TASK_BYTES = 64 * 1024;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Per thread: a task's results; a caller's interleaved activations; and the rows of one group on their way there. */
    private static final ThreadLocal<float[]> RESULTS = new ThreadLocal<>(), ACTIVATIONS = new ThreadLocal<>(), GROUP = new ThreadLocal<>();

    private PanelGemm() {}

    /**
     * {@code y[r][j] = (accumulate ? y[r][j] : 0) + sum_i x[r][i] * W[j][i]} for r < rows, j < n, i < k,
     * with n and k those of {@code w}.
     *
     * @param x activations, row r at float index {@code xOff + r * ldx}, k floats per row
     * @param y outputs, row r at float index {@code yOff + r * ldy}, n floats per row; must not overlap x or w
     */
    public static void matmulTransposed(WorkerPool pool, int rows, MemorySegment x, long xOff, int ldx,
                                        Panels w, MemorySegment y, long yOff, int ldy, boolean accumulate) {
        if (w == null) throw new IllegalArgumentException("PanelGemm.matmulTransposed(rows=" + rows + "): w is null");
        int n = w.n(), k = w.k();
        SkinnyGemmChecks.check("PanelGemm.matmulTransposed(rows=" + rows + ", n=" + n + ", k=" + k + ", " + w.type().label() + " panels)",
                pool, rows, n, k, x, xOff, ldx, w.type(), w.segment(), 0, y, yOff, ldy);
        if (rows == 0 || n == 0) return;
        boolean f16 = w.type() == WeightType.F16;
        float[] resultScale = f16 ? new float[rows] : null;
        float[] xa = interleaved(rows, k, x, xOff, ldx, resultScale);

        int panels = w.panelCount();
        long panelBytes = Math.max(1, w.panelBytes());
        int tasks = (int) Math.max(1, Math.min(Math.min(panels, pool.threads() * 8L), panels * panelBytes / MIN_TASK_BYTES));
        // whole tiles per task: 4 panels for one row, pairs for more; a task of 2 panels ran one row at half
        // the rate of 4 (its tile has half the chains)
        int tile = rows == 1 ? 4 : 2;
        int perTask = Math.min(panels, ((panels + tasks - 1) / tasks + tile - 1) / tile * tile);
        int taskCount = (panels + perTask - 1) / perTask;
        // one lambda per type, so that C2 compiles the BF16 and the F16 dispatch as separate methods (see Bf16PanelKernel)
        IntConsumer task = f16 ? t -> {
            int from = t * perTask, to = Math.min(panels, from + perTask);
            int width = (to - from) * WIDTH;
            float[] out = buffer(RESULTS, rows * width);
            if (rows == 1) oneRowF16(w, from, to, xa, out);
            else manyRowsF16(w, from, to, rows, xa, out, width);
            store(out, width, rows, Math.min(width, n - from * WIDTH), resultScale, y, yOff + (long) from * WIDTH, ldy, accumulate);
        } : t -> {
            int from = t * perTask, to = Math.min(panels, from + perTask);
            int width = (to - from) * WIDTH;
            float[] out = buffer(RESULTS, rows * width);
            if (rows == 1) oneRow(w, from, to, xa, out);
            else manyRows(w, from, to, rows, xa, out, width);
            store(out, width, rows, Math.min(width, n - from * WIDTH), null, y, yOff + (long) from * WIDTH, ldy, accumulate);
        };
        pool.parallelFor(taskCount, task);
    }

    /** The most rows one tile takes. */
    static final int MAX_GROUP = 6;

    /**
     * Rows in the group that starts at row {@code r}: up to 6 rows go in one group, more in as few groups of at
     * most 6 as will do, as even as can be (7 = 4 + 3, 8 = 4 + 4, 10 = 5 + 5, 12 = 6 + 6, 13 = 5 + 4 + 4). The
     * first group reads the panels from memory and the others find them in cache, where a tile of 3 or 4 rows
     * waits on the FMA latency and one of 5 or 6 does not (kernels/README.md, "Five and six rows in one pass"),
     * and where the 1- and 2-row tiles are slower still.
     */
    static int groupSize(int rows, int r) {
        int left = rows - r;
        int groups = (left + MAX_GROUP - 1) / MAX_GROUP;
        return (left + groups - 1) / groups;
    }

    /**
     * The activations in the order the tiles read them: rows in the groups of {@link #groupSize}, each
     * group's rows interleaved, so a k step's broadcasts sit side by side at one index, and the k steps
     * in the tiles' order: 0, s/2, 1, s/2 + 1, ... for the s = {@link Panels#steps} of the panels (see
     * {@link Bf16PanelKernel}). The result is the calling thread's buffer, valid until its next call.
     * With {@code resultScale} (F16 panels, whose weights decode to their value times 2^-112) each row is
     * scaled by 2^112, or by less where that would overflow, and {@code resultScale[r]} gets what row r's
     * results must then be multiplied by: 1, or the power of two given up. Powers of two are exact, so the
     * products are those of the unscaled values.
     */
    private static float[] interleaved(int rows, int k, MemorySegment x, long xOff, int ldx, float[] resultScale) {
        int steps = Panels.steps(k), half = steps / 2;
        float[] xa = buffer(ACTIVATIONS, rows * steps);
        float[] group = buffer(GROUP, MAX_GROUP * steps); // a group's rows, one after another, each padded to steps
        for (int g = 0, size; g < rows; g += size) {
            size = groupSize(rows, g);
            for (int i = 0; i < size; i++) {
                int r = i * steps;
                MemorySegment.copy(x, FLOAT, (xOff + (long) (g + i) * ldx) * Float.BYTES, group, r, k);
                if (steps > k) group[r + k] = 0f; // the zero step of an odd k
                if (resultScale != null) {
                    int shift = f16Shift(group, r, k);
                    float scale = Math.scalb(1f, shift);
                    for (int p = r; p < r + k; p++) group[p] *= scale;
                    resultScale[g + i] = Math.scalb(1f, F16_SHIFT - shift);
                }
            }
            // 4 rows and 1: sequential stores, the group's rows read side by side, which C2 vectorizes
            int at = g * steps;
            switch (size) {
                case 4 -> {
                    int s1 = steps, s2 = 2 * steps, s3 = 3 * steps;
                    for (int p = 0, q = half; p < half; p++, q++, at += 8) {
                        xa[at] = group[p];
                        xa[at + 1] = group[s1 + p];
                        xa[at + 2] = group[s2 + p];
                        xa[at + 3] = group[s3 + p];
                        xa[at + 4] = group[q];
                        xa[at + 5] = group[s1 + q];
                        xa[at + 6] = group[s2 + q];
                        xa[at + 7] = group[s3 + q];
                    }
                }
                case 1 -> {
                    for (int p = 0, q = half; p < half; p++, q++, at += 2) {
                        xa[at] = group[p];
                        xa[at + 1] = group[q];
                    }
                }
                default -> {
                    // a row at a time, strided stores: 2-3x faster than an inner loop over the rows of each
                    // step (6 rows of 4096: 15 against 35 us), which C2 neither unrolls nor vectorizes
                    for (int i = 0, stride = 2 * size; i < size; i++) {
                        int from = i * steps;
                        for (int p = 0, d = at + i; p < half; p++, d += stride) {
                            xa[d] = group[from + p];
                            xa[d + size] = group[from + half + p];
                        }
                    }
                }
            }
        }
        return xa;
    }

    /** The f16 decode's bias: a decoded weight is its value times 2^-112. */
    private static final int F16_SHIFT = 112;

    /** The power of two to scale an activation row by: 112, unless its largest magnitude would overflow then. */
    private static int f16Shift(float[] row, int from, int k) {
        float largest = 0;
        for (int p = from; p < from + k; p++) largest = Math.max(largest, Math.abs(row[p]));
        // below 2^15 the full factor stays under 2^127; infinities and NaNs go through unscaled and propagate
        if (!(largest >= 0x1p15f) || !Float.isFinite(largest)) return F16_SHIFT;
        return 126 - Math.getExponent(largest);
    }

    /** The calling thread's buffer of {@code local}, of at least {@code floats} floats, its contents left over. */
    private static float[] buffer(ThreadLocal<float[]> local, int floats) {
        float[] s = local.get();
        if (s == null || s.length < floats) local.set(s = new float[floats]);
        return s;
    }

    private static void oneRow(Panels w, int from, int to, float[] x, float[] out) {
        MemorySegment seg = w.segment();
        int steps = Panels.steps(w.k());
        long pb = w.panelBytes();
        int q = from;
        for (; q + 4 <= to; q += 4) {
            Bf16PanelKernel.rows1x4(seg, q * pb, (q + 1) * pb, (q + 2) * pb, (q + 3) * pb, steps, x, 0,
                    out, (q - from) * WIDTH, (q + 1 - from) * WIDTH, (q + 2 - from) * WIDTH, (q + 3 - from) * WIDTH);
        }
        for (; q < to; q += 2) {
            int q1 = Math.min(q + 1, to - 1); // a last odd panel is computed twice into the same place
            Bf16PanelKernel.rows1x2(seg, q * pb, q1 * pb, steps, x, 0, out, (q - from) * WIDTH, (q1 - from) * WIDTH);
        }
    }

    private static void manyRows(Panels w, int from, int to, int rows, float[] x, float[] out, int ldo) {
        MemorySegment seg = w.segment();
        int steps = Panels.steps(w.k());
        long pb = w.panelBytes();
        for (int q = from; q < to; q += 2) {
            boolean pair = q + 1 < to;
            int q1 = pair ? q + 1 : q;
            long o0 = q * pb, o1 = q1 * pb;
            int c0 = (q - from) * WIDTH, c1 = (q1 - from) * WIDTH;
            for (int r = 0, size; r < rows; r += size) {
                size = groupSize(rows, r);
                switch (size) {
                    case 6 -> {
                        Bf16PanelKernel.rows6(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) Bf16PanelKernel.rows6(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 5 -> {
                        Bf16PanelKernel.rows5(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) Bf16PanelKernel.rows5(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 4 -> {
                        Bf16PanelKernel.rows4(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) Bf16PanelKernel.rows4(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 3 -> {
                        Bf16PanelKernel.rows3(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) Bf16PanelKernel.rows3(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 2 -> Bf16PanelKernel.rows2x2(seg, o0, o1, steps, x, r * steps, out, r * ldo + c0, r * ldo + c1, ldo);
                    default -> Bf16PanelKernel.rows1x2(seg, o0, o1, steps, x, r * steps, out, r * ldo + c0, r * ldo + c1);
                }
            }
        }
    }

    // the same walks over F16PanelKernel's tiles: separate methods, so that C2 compiles and inlines them apart

    private static void oneRowF16(Panels w, int from, int to, float[] x, float[] out) {
        MemorySegment seg = w.segment();
        int steps = Panels.steps(w.k());
        long pb = w.panelBytes();
        int q = from;
        for (; q + 4 <= to; q += 4) {
            F16PanelKernel.rows1x4(seg, q * pb, (q + 1) * pb, (q + 2) * pb, (q + 3) * pb, steps, x, 0,
                    out, (q - from) * WIDTH, (q + 1 - from) * WIDTH, (q + 2 - from) * WIDTH, (q + 3 - from) * WIDTH);
        }
        for (; q < to; q += 2) {
            int q1 = Math.min(q + 1, to - 1); // a last odd panel is computed twice into the same place
            F16PanelKernel.rows1x2(seg, q * pb, q1 * pb, steps, x, 0, out, (q - from) * WIDTH, (q1 - from) * WIDTH);
        }
    }

    private static void manyRowsF16(Panels w, int from, int to, int rows, float[] x, float[] out, int ldo) {
        MemorySegment seg = w.segment();
        int steps = Panels.steps(w.k());
        long pb = w.panelBytes();
        for (int q = from; q < to; q += 2) {
            boolean pair = q + 1 < to;
            int q1 = pair ? q + 1 : q;
            long o0 = q * pb, o1 = q1 * pb;
            int c0 = (q - from) * WIDTH, c1 = (q1 - from) * WIDTH;
            for (int r = 0, size; r < rows; r += size) {
                size = groupSize(rows, r);
                switch (size) {
                    case 6 -> {
                        F16PanelKernel.rows6(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) F16PanelKernel.rows6(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 5 -> {
                        F16PanelKernel.rows5(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) F16PanelKernel.rows5(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 4 -> {
                        F16PanelKernel.rows4(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) F16PanelKernel.rows4(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 3 -> {
                        F16PanelKernel.rows3(seg, o0, steps, x, r * steps, out, r * ldo + c0, ldo);
                        if (pair) F16PanelKernel.rows3(seg, o1, steps, x, r * steps, out, r * ldo + c1, ldo);
                    }
                    case 2 -> F16PanelKernel.rows2x2(seg, o0, o1, steps, x, r * steps, out, r * ldo + c0, r * ldo + c1, ldo);
                    default -> F16PanelKernel.rows1x2(seg, o0, o1, steps, x, r * steps, out, r * ldo + c0, r * ldo + c1);
                }
            }
        }
    }

    /**
     * Copies (or adds) the task's results, [rows x count] of {@code out} with row stride {@code ldo}, into y,
     * each row times {@code scale[r]} where there is a scale.
     */
    private static void store(float[] out, int ldo, int rows, int count, float[] scale, MemorySegment y, long yOff, int ldy, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            long at = (yOff + (long) r * ldy) * Float.BYTES;
            float f = scale == null ? 1f : scale[r];
            if (f != 1f) {
                for (int c = r * ldo, end = c + count; c < end; c++) out[c] *= f;
            }
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
