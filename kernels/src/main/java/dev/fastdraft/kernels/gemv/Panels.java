package dev.fastdraft.kernels.gemv;

import dev.fastdraft.kernels.LargePages;
import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16-bit (BF16 or F16) weight matrix [n x k] laid out for {@link PanelGemm}: panels of {@link #WIDTH}
 * outputs (two float vectors), each panel k steps of one int vector (and a zero step when k is odd). Int
 * lane i of step p holds W[j0 + i][p] in its low half and W[j0 + L + i][p] in its high half (L floats per
 * vector), so a few shifts and a mask give two float vectors of consecutive outputs, ready to multiply by a
 * broadcast activation. Outputs past n in the last panel are zero.
 *
 * <p>The width follows the machine's vector size, so panels are made in the process that uses them
 * ({@link #pack}), never stored.
 */
public record Panels(WeightType type, int n, int k, MemorySegment segment) {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));
    /** Outputs per panel. */
    public static final int WIDTH = 2 * F.length();
    /** Bytes of one step (one k index) of a panel. */
    static final long STEP_BYTES = 2L * WIDTH;

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt PAIR = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Panels {
        if (!supports(type)) throw new IllegalArgumentException("Panels: type must be BF16 or F16, got " + type);
        if (n < 0 || k < 0) throw new IllegalArgumentException("Panels: n=" + n + " and k=" + k + " must be >= 0");
        if (segment == null) throw new IllegalArgumentException("Panels: segment is null");
        long need = bytes(n, k);
        if (segment.byteSize() < need) {
            throw new IllegalArgumentException("Panels [" + n + " x " + k + "]: needs " + need + " bytes but the segment holds " + segment.byteSize());
        }
    }

    /** Whether matrices of {@code type} can have panels: the 16-bit types, BF16 and F16. */
    public static boolean supports(WeightType type) {
        return type == WeightType.BF16 || type == WeightType.F16;
    }

    /** Panels for n outputs. */
    public static int panels(int n) {
        return (n + WIDTH - 1) / WIDTH;
    }

    /** Steps of a panel: k, plus a zero step when k is odd, so that the tiles walk two halves of equal length. */
    static int steps(int k) {
        return k + (k & 1);
    }

    /** Bytes that panels of an [n x k] matrix occupy. */
    public static long bytes(int n, int k) {
        return (long) panels(n) * steps(k) * STEP_BYTES;
    }

    public int panelCount() {
        return panels(n);
    }

    long panelBytes() {
        return steps(k) * STEP_BYTES;
    }

    /**
     * Re-lays W [n x k] of {@code type} (BF16 or F16), row-major from byte {@code byteOff} of {@code w} (any
     * alignment), into panels allocated from {@code arena}; the pool's threads take panels in turn. Returns
     * null for an F16 matrix that holds an infinity or a NaN, which the F16 panel loop cannot decode (see
     * {@link F16PanelKernel}): such a matrix stays with {@link SkinnyGemm}.
     */
    public static Panels pack(WorkerPool pool, WeightType type, MemorySegment w, long byteOff, int n, int k, Arena arena) {
        if (pool == null || type == null || w == null || arena == null) throw new IllegalArgumentException("Panels.pack: pool, type, w and arena must not be null");
        if (!supports(type)) throw new IllegalArgumentException("Panels.pack: type must be BF16 or F16, got " + type);
        if (n < 0 || k < 0) throw new IllegalArgumentException("Panels.pack: n=" + n + " and k=" + k + " must be >= 0");
        long srcBytes = 2L * n * k;
        if (byteOff < 0 || byteOff > w.byteSize() || srcBytes > w.byteSize() - byteOff) {
            throw new IndexOutOfBoundsException("Panels.pack: weights [" + n + " x " + k + "] " + type + " need bytes [" + byteOff + ", "
                    + (byteOff + srcBytes) + ") but w holds " + w.byteSize() + " bytes");
        }
        MemorySegment out = LargePages.allocate(bytes(n, k), arena);
        Panels panels = new Panels(type, n, k, out);
        long perPanel = Math.max(1, panels.panelBytes());
        boolean f16 = type == WeightType.F16;
        AtomicInteger largest = new AtomicInteger();
        pool.parallelRange(panels(n), (int) Math.max(1, (256 << 10) / perPanel), (from, to) -> {
            short[] rows = new short[WIDTH * PACK_STEPS];
            int[] steps = new int[PACK_STEPS * WIDTH / 2];
            int mine = 0;
            for (int q = from; q < to; q++) mine = Math.max(mine, packPanel(w, byteOff, n, k, q, out, rows, steps, f16));
            largest.accumulateAndGet(mine, Math::max);
        });
        return f16 && largest.get() >= F16_INF_OR_NAN ? null : panels;
    }

    /** k steps re-laid at a time: the panel's rows for them fit in L1 as a short[]. */
    private static final int PACK_STEPS = 512;

    /** F16 magnitudes (sign cleared) from here up have exponent 31: infinities and NaNs. */
    private static final int F16_INF_OR_NAN = 0x7C00;

    /**
     * One panel, {@link #PACK_STEPS} steps at a time: its rows are copied in bulk into {@code rows}, paired
     * into ints in plain array loops, and the ints copied out in bulk. With {@code scan} (F16) it returns the
     * largest of the 16-bit patterns with the sign bit cleared, which says whether a weight is infinite or
     * NaN; otherwise 0.
     */
    private static int packPanel(MemorySegment w, long byteOff, int n, int k, int q, MemorySegment out, short[] rows, int[] steps,
                                 boolean scan) {
        int half = WIDTH / 2, j0 = q * WIDTH, largest = 0;
        long base = (long) q * steps(k) * STEP_BYTES; // the zero step of an odd k stays as allocated
        for (int p0 = 0; p0 < k; p0 += PACK_STEPS) {
            int len = Math.min(PACK_STEPS, k - p0);
            for (int r = 0; r < WIDTH; r++) {
                if (j0 + r < n) MemorySegment.copy(w, HALF, byteOff + 2L * ((long) (j0 + r) * k + p0), rows, r * PACK_STEPS, len);
                else Arrays.fill(rows, r * PACK_STEPS, r * PACK_STEPS + len, (short) 0);
            }
            for (int t = 0; t < len; t++) {
                for (int i = 0; i < half; i++) {
                    steps[t * half + i] = (rows[i * PACK_STEPS + t] & 0xFFFF) | rows[(half + i) * PACK_STEPS + t] << 16;
                }
            }
            for (int r = 0; scan && r < WIDTH; r++) {
                for (int t = r * PACK_STEPS, end = t + len; t < end; t++) largest = Math.max(largest, rows[t] & 0x7FFF);
            }
            MemorySegment.copy(steps, 0, out, PAIR, base + p0 * STEP_BYTES, len * half);
        }
        return largest;
    }
}
