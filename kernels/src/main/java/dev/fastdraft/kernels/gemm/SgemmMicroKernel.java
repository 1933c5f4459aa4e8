package dev.fastdraft.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile of the packed SGEMM: {@code ROWS x COLS} of C held in {@code ROWS * 2} vector
 * accumulators while the kernel walks one packed A micro-panel and one packed B micro-panel.
 *
 * <p>The tile is two vectors wide. Its height is set by the register file as C2 schedules the loop:
 * C2 issues all broadcasts of one k step before their multiply-adds, so a step needs
 * {@code 2 ROWS} accumulators, 2 B vectors and {@code ROWS} broadcasts live at once. AVX2 and
 * 128-bit machines have 16 vector registers: 4 rows (14 live); 5 or 6 rows spill an accumulator to
 * the stack every step and run at half speed. AVX-512 has 32: 8 rows (26 live), 16 accumulators.
 *
 * <p>Packed A holds each row of a micro-panel as a line of {@link #KC} floats, so the ROWS broadcasts
 * of a step read {@code a[pa + i*KC]}: constant displacements from one index, which packing a
 * row-major A fills with plain row copies. Packed B holds COLS floats per k step.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Columns of the tile: two vectors. */
    static final int COLS = 2 * LANES;
    /** Rows of the tile: as many as the vector registers hold next to the B vectors and the broadcasts. */
    static final int ROWS = SPECIES.vectorBitSize() >= 512 ? 8 : 4;
    /** Depth of one packed block, and the stride of the rows of a packed A micro-panel. */
    static final int KC = 512;
    /**
     * Where a tile starts in its buffer, and the buffer's size: 64 bytes of padding on each side, so that
     * two threads' tiles, written on every tile, never share a cache line, even after a GC has moved the
     * buffers next to each other.
     */
    static final int TILE_AT = 16;
    static final int TILE_BUFFER = TILE_AT + ROWS * COLS + TILE_AT;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private SgemmMicroKernel() {}

    /**
     * C[ROWS x COLS] (+)= Apanel . Bpanel over {@code kc <= KC} steps: Apanel row i is
     * {@code a[ai + i*KC ...]}, Bpanel step p is {@code b[bi + p*COLS ...]}. The tile goes to C at byte
     * offset {@code cPos} with row stride {@code ldcBytes}; {@code add} adds it to what C holds.
     */
    static void fullTile(int kc, float[] a, int ai, float[] b, int bi, float[] tile,
                         MemorySegment c, long cPos, long ldcBytes, boolean add) {
        toBuffer(kc, a, ai, b, bi, tile);
        long addr = c.address() + cPos;
        if (c.heapBase().orElse(null) instanceof float[] array && (addr & 3) == 0) {
            // the array path skips the segment's bounds: check the tile's last float against them once
            java.util.Objects.checkFromIndexSize(cPos, (ROWS - 1) * ldcBytes + (long) COLS * Float.BYTES, c.byteSize());
            storeToArray(tile, array, Math.toIntExact(addr / Float.BYTES), Math.toIntExact(ldcBytes / Float.BYTES), add);
        } else {
            storeToSegment(tile, c, cPos, ldcBytes, add);
        }
    }

    /**
     * The sum written to {@code tile} (ROWS x COLS, row-major, from {@link #TILE_AT}). The loop touches
     * only arrays: with a MemorySegment store inside it, C2 sometimes failed to intrinsify the vector ops
     * once segments of several kinds had been seen (heap and native), and the whole kernel fell back to
     * boxed vectors, 10x slower (training dropped from 300 to 45 tokens/s).
     */
    static void toBuffer(int kc, float[] a, int ai, float[] b, int bi, float[] tile) {
        if (ROWS == 8) tile8(kc, a, ai, b, bi, tile);
        else tile4(kc, a, ai, b, bi, tile);
    }

    /**
     * The AVX2 tile. Walking A's and B's indices as two induction variables (rather than deriving both from
     * p) leaves C2 fewer index computations: 7 scalar instructions per k step instead of 10 next to the 14
     * vector ones (disassembled), 2-3% faster on one core in the same JVM (84.7-85.8 against 86.5-88.0 GFLOP/s), which counts
     * when another hardware thread shares the core's front end (kernels/README.md).
     */
    private static void tile4(int kc, float[] a, int ai, float[] b, int bi, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        for (int pa = ai, pb = bi, end = ai + kc; pa < end; pa++, pb += 2 * l) {
            FloatVector b0 = FloatVector.fromArray(s, b, pb);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + l);
            FloatVector x = FloatVector.broadcast(s, a[pa]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[pa + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[pa + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[pa + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, TILE_AT); c01.intoArray(tile, TILE_AT + l);
        c10.intoArray(tile, TILE_AT + COLS); c11.intoArray(tile, TILE_AT + COLS + l);
        c20.intoArray(tile, TILE_AT + 2 * COLS); c21.intoArray(tile, TILE_AT + 2 * COLS + l);
        c30.intoArray(tile, TILE_AT + 3 * COLS); c31.intoArray(tile, TILE_AT + 3 * COLS + l);
    }

    private static void tile8(int kc, float[] a, int ai, float[] b, int bi, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        FloatVector c40 = FloatVector.zero(s), c41 = FloatVector.zero(s);
        FloatVector c50 = FloatVector.zero(s), c51 = FloatVector.zero(s);
        FloatVector c60 = FloatVector.zero(s), c61 = FloatVector.zero(s);
        FloatVector c70 = FloatVector.zero(s), c71 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p;
            int pb = bi + p * (2 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + l);
            FloatVector x = FloatVector.broadcast(s, a[pa]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[pa + KC]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[pa + 2 * KC]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[pa + 3 * KC]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(s, a[pa + 4 * KC]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(s, a[pa + 5 * KC]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(s, a[pa + 6 * KC]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(s, a[pa + 7 * KC]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        c00.intoArray(tile, TILE_AT); c01.intoArray(tile, TILE_AT + l);
        c10.intoArray(tile, TILE_AT + COLS); c11.intoArray(tile, TILE_AT + COLS + l);
        c20.intoArray(tile, TILE_AT + 2 * COLS); c21.intoArray(tile, TILE_AT + 2 * COLS + l);
        c30.intoArray(tile, TILE_AT + 3 * COLS); c31.intoArray(tile, TILE_AT + 3 * COLS + l);
        c40.intoArray(tile, TILE_AT + 4 * COLS); c41.intoArray(tile, TILE_AT + 4 * COLS + l);
        c50.intoArray(tile, TILE_AT + 5 * COLS); c51.intoArray(tile, TILE_AT + 5 * COLS + l);
        c60.intoArray(tile, TILE_AT + 6 * COLS); c61.intoArray(tile, TILE_AT + 6 * COLS + l);
        c70.intoArray(tile, TILE_AT + 7 * COLS); c71.intoArray(tile, TILE_AT + 7 * COLS + l);
    }

    /** C rows from {@code cIndex} (stride {@code ldc} floats) (+)= tile: C on the heap, the common case in training. */
    private static void storeToArray(float[] tile, float[] c, int cIndex, int ldc, boolean add) {
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, tile, TILE_AT + i * COLS + j);
                int at = cIndex + i * ldc + j;
                if (add) v = v.add(FloatVector.fromArray(SPECIES, c, at));
                v.intoArray(c, at);
            }
        }
    }

    /** The same for C off-heap or in a mapped file. */
    private static void storeToSegment(float[] tile, MemorySegment c, long cPos, long ldcBytes, boolean add) {
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, tile, TILE_AT + i * COLS + j);
                long at = cPos + i * ldcBytes + (long) j * Float.BYTES;
                if (add) v = v.add(FloatVector.fromMemorySegment(SPECIES, c, at, NATIVE));
                v.intoMemorySegment(c, at, NATIVE);
            }
        }
    }
}
