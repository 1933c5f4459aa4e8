package dev.fastdraft.kernels.gemv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of {@link SkinnyGemm} for one weight format.
 *
 * <p>Every format consumes a row in blocks of {@link #BLOCK} = two float vectors of elements, so a weight
 * row yields two float vectors per step and two independent FMA chains per accumulator pair. The activations
 * are repacked once per call ({@link #pack}) into whatever order makes the weight decoding cheapest: the
 * 16-bit formats read one int vector holding 2 * L halves and split it into the even and odd elements with a
 * shift or a mask, so their activations are stored de-interleaved (even elements, then odd) per block.
 *
 * <p>Register blocking: each method decodes a weight vector once and uses it for all the activation rows
 * of its group, with separate accumulators for the even and the odd half of a block so that two FMA chains
 * per (row, output) hide the FMA latency. {@link #tile} covers up to 16 rows and {@link #TILE} outputs with
 * groups of 4 rows x 1 output (8 accumulators), then 3 x 1, two 3 x 1 for six rows left, or 2 x 2 for two
 * (2 x 1 where a format has no 2 x 2 loop), output by output so that the later row groups find the weight
 * row in L1; a single remaining row runs 1 row x 4 outputs (8 accumulators) over the tile, whose weights
 * are then in L2. Memory sees each weight once. Wider shapes (4 x 2, and 2 x 2 in place of 4 x 1) measured
 * slower on AVX2: C2 unrolls these loops four times and hoists their loads, and with 16 vector registers the
 * extra live values spill.
 *
 * <p>Implementations keep each hot loop inside one class so that it is monomorphic; the virtual calls here
 * happen once per row group and tile, never per element.
 */
abstract class SkinnyKernel {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));
    static final int L = F.length();
    /** Elements consumed per inner-loop step. */
    static final int BLOCK = 2 * L;
    /** Outputs per tile: the unit of work handed to threads and the set of weight rows reused by all row groups. */
    static final int TILE = 4;

    static final ValueLayout.OfFloat X_LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * Activations of up to 16 rows, rearranged for a kernel: row r starts at {@code r * k} in {@code data}.
     * Dot products come out multiplied by {@code 1 / resultScale}; the original rows stay reachable for the
     * exact fallback path.
     */
    record Activations(float[] data, int rows, int k, float resultScale, MemorySegment x, long xOff, int ldx) {
        float original(int row, int i) {
            return x.getAtIndex(X_LAYOUT, xOff + (long) row * ldx + i);
        }
    }

    /**
     * One call's operands, as the row-group methods need them. The row groups hand over the vector part of
     * each dot product; {@link #put} adds the scalar tail (elements past the last full block) and stores.
     * Writing straight into y's array when y is on the heap, and keeping the tail out of the row-group
     * methods, keeps those small enough for C2 to inline their lane sums (one left out of line boxes a
     * vector per dot product: a tenth of the demo draft's decode step in a profile).
     */
    static final class Pass {
        final SkinnyKernel kernel;
        final Activations a;
        final MemorySegment w;
        final long wOff;
        final long rowBytes;
        final MemorySegment y;
        final long yOff;
        final int ldy;
        final boolean accumulate;
        /** Where the scalar tail of each row starts: k rounded down to whole blocks. */
        private final int tailFrom;
        /** y's array and the index of y[0][0] in it, or null where y is not a float[] on the heap. */
        private final float[] yArray;
        private final int yBase;

        Pass(SkinnyKernel kernel, Activations a, MemorySegment w, long wOff, long rowBytes,
             MemorySegment y, long yOff, int ldy, boolean accumulate) {
            this.kernel = kernel;
            this.a = a;
            this.w = w;
            this.wOff = wOff;
            this.rowBytes = rowBytes;
            this.y = y;
            this.yOff = yOff;
            this.ldy = ldy;
            this.accumulate = accumulate;
            this.tailFrom = a.k() - a.k() % BLOCK;
            boolean onHeap = y.heapBase().orElse(null) instanceof float[] && y.address() % Float.BYTES == 0;
            this.yArray = onHeap ? (float[]) y.heapBase().get() : null;
            this.yBase = onHeap ? Math.toIntExact(y.address() / Float.BYTES + yOff) : 0;
        }

        long rowOffset(int j) {
            return wOff + j * rowBytes;
        }

        /** Stores a dot product whose vector part (the full blocks) was computed on the packed activations. */
        void put(int row, int j, float blocksDot) {
            int k = a.k();
            float dot = tailFrom == k ? blocksDot : blocksDot + kernel.tail(a.data(), row * k, w, rowOffset(j), tailFrom, k);
            putExact(row, j, dot * a.resultScale());
        }

        void putExact(int row, int j, float value) {
            if (yArray != null) {
                int at = yBase + row * ldy + j;
                yArray[at] = accumulate ? yArray[at] + value : value;
            } else {
                long at = yOff + (long) row * ldy + j;
                y.setAtIndex(X_LAYOUT, at, accumulate ? y.getAtIndex(X_LAYOUT, at) + value : value);
            }
        }
    }

    /** Copies rows of x (row r at element {@code xOff + r * ldx}) into this kernel's layout. */
    abstract Activations pack(int rows, int k, MemorySegment x, long xOff, int ldx);

    /** Row {@code row}, outputs j, j + step, j + 2 step and j + 3 step. */
    abstract void rows1x4(Pass p, int row, int j, int step);

    /** Row {@code row}, output j. */
    abstract void rows1x1(Pass p, int row, int j);

    /** Rows row..row+1, output j. */
    abstract void rows2x1(Pass p, int row, int j);

    /** Rows row..row+1, outputs j and j + step; formats without a loop of their own take them one at a time. */
    void rows2x2(Pass p, int row, int j, int step) {
        rows2x1(p, row, j);
        rows2x1(p, row, j + step);
    }

    /** Rows row..row+2, output j. */
    abstract void rows3x1(Pass p, int row, int j);

    /** Rows row..row+3, output j. */
    abstract void rows4x1(Pass p, int row, int j);

    /** Dot product of the in-order tail [from, k) of a packed row (from {@code xBase}) and a weight row. */
    abstract float tail(float[] x, int xBase, MemorySegment w, long rowOff, int from, int k);

    /** The exact value of element i of the weight row that starts at byte {@code rowOff}. */
    abstract float weight(MemorySegment w, long rowOff, int i);

    /**
     * All rows of {@code p} for the {@code count <= TILE} outputs j, j + step, j + 2 step, ...: spread out, so
     * that a thread streams its weights from {@link #TILE} places at once (one sequential stream per core
     * left memory bandwidth unused: a read probe measured 13-15 GB/s with one stream per thread and 21-24
     * with four).
     */
    final void tile(Pass p, int j, int step, int count) {
        int rows = p.a.rows();
        int grouped = rows - (rows % 4 == 1 ? 1 : 0);
        // six rows left over run as 3 + 3 rather than 4 + 2: 2 x 2 costs about 1.7 times as much per dot
        // product as 3 x 1 or 4 x 1 (6 rows of the demo's 512-wide target: 8.0-9.3 ms instead of 9.3-10.8)
        int fours = grouped % 4 == 2 && grouped >= 6 ? grouped - 6 : grouped;
        // a pair of rows (only ever 2 rows now) takes two outputs at a time: 2 x 1 has only four FMA chains,
        // too few to hide the FMA latency (2 rows cost 1.44-1.92 one-row steps that way, 1.31-1.32 with 2 x 2)
        int pairs = grouped == 2 ? count / 2 * 2 : 0;
        // output by output, so that each weight row is reused from L1 by all the row groups
        for (int q = 0; q < count; q++) {
            int jq = j + q * step;
            int r = 0;
            for (; r + 4 <= fours; r += 4) rows4x1(p, r, jq);
            if (grouped - r == 6) {
                rows3x1(p, r, jq);
                rows3x1(p, r + 3, jq);
            } else if (grouped - r == 3) rows3x1(p, r, jq);
            else if (grouped - r == 2) {
                if (q >= pairs) rows2x1(p, r, jq);
                else if (q % 2 == 0) rows2x2(p, r, jq, step);
            }
        }
        if (grouped < rows) {
            if (count == TILE) rows1x4(p, grouped, j, step);
            else for (int q = 0; q < count; q++) rows1x1(p, grouped, j + q * step);
        }
    }

    /**
     * Recomputes a group of outputs from the original activations and exact weight values: the slow path for
     * weights the fast decoding cannot represent (f16 infinities and NaNs), whose results are inf or NaN anyway.
     */
    final void exact(Pass p, int row0, int rows, int j0, int outs) {
        int k = p.a.k();
        for (int r = row0; r < row0 + rows; r++) {
            for (int j = j0; j < j0 + outs; j++) {
                long off = p.rowOffset(j);
                float s = 0;
                for (int i = 0; i < k; i++) s += p.a.original(r, i) * weight(p.w, off, i);
                p.putExact(r, j, s);
            }
        }
    }

    /** The plain layout: rows copied as they are. */
    static float[] packPlain(int rows, int k, MemorySegment x, long xOff, int ldx) {
        float[] data = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(x, X_LAYOUT, (xOff + (long) r * ldx) * Float.BYTES, data, r * k, k);
        }
        return data;
    }

    /** Lane i takes element 2i (or 2i + 1) of the pair (first vector, second vector); indices past L pick from the second. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(F, i -> 2 * i);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(F, i -> 2 * i + 1);

    /**
     * The de-interleaved layout of the 16-bit formats: within each full block of {@link #BLOCK} elements the
     * even elements come first, then the odd ones; the tail past the last full block stays in order. Everything
     * is multiplied by {@code scale}, a power of two.
     */
    static float[] packDeinterleaved(int rows, int k, MemorySegment x, long xOff, int ldx, float scale) {
        return deinterleave(packPlain(rows, k, x, xOff, ldx), rows, k, scale);
    }

    /** Turns plain rows into the de-interleaved layout in place. */
    static float[] deinterleave(float[] data, int rows, int k, float scale) {
        int full = k - k % BLOCK;
        for (int r = 0; r < rows; r++) {
            int base = r * k;
            for (int b = base; b < base + full; b += BLOCK) {
                FloatVector first = FloatVector.fromArray(F, data, b);
                FloatVector second = FloatVector.fromArray(F, data, b + L);
                first.rearrange(EVENS, second).mul(scale).intoArray(data, b);
                first.rearrange(ODDS, second).mul(scale).intoArray(data, b + L);
            }
            if (scale != 1f) {
                for (int i = base + full; i < base + k; i++) data[i] *= scale;
            }
        }
        return data;
    }

    /** The largest finite magnitude in {@code data} (0 if none); infinities and NaNs are skipped. */
    static float largestFinite(float[] data) {
        FloatVector largest = FloatVector.zero(F);
        int i = 0;
        for (; i <= data.length - L; i += L) {
            FloatVector a = FloatVector.fromArray(F, data, i).abs();
            largest = largest.max(a.blend(0f, a.compare(VectorOperators.LT, Float.POSITIVE_INFINITY).not()));
        }
        float max = largest.reduceLanes(VectorOperators.MAX);
        for (; i < data.length; i++) {
            float a = Math.abs(data[i]);
            if (a > max && a < Float.POSITIVE_INFINITY) max = a;
        }
        return max;
    }
}
