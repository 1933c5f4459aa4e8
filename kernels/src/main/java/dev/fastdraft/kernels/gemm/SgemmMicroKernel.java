package dev.fastdraft.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile of the packed SGEMM: {@code ROWS x COLS} of C held in {@code ROWS * 2} vector
 * accumulators while it walks one packed A micro-panel and one packed B micro-panel.
 *
 * <p>The tile is two vectors wide and as tall as the register file allows: 8 rows (16 accumulators)
 * where the species is 512 bits wide (AVX-512 has 32 vector registers), 6 rows (12 accumulators)
 * otherwise, leaving 3 of AVX2's 16 registers for two B vectors and one broadcast A value. The two
 * kernels are spelled out by hand because C2 keeps only named locals in registers.
 */
final class SgemmMicroKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Columns of the tile: two vectors. */
    static final int VECS = Integer.getInteger("vecs", 2);
    static final int COLS = VECS * LANES;
    /** Rows of the tile: as many as the vector registers hold next to the B vectors and the broadcast. */
    static final int ROWS = Integer.getInteger("rows", SPECIES.vectorBitSize() >= 512 ? 8 : 6);

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private SgemmMicroKernel() {}

    static void fullTile(int kc, float[] a, int ai, float[] b, int bi,
                         MemorySegment c, long cPos, long ldcBytes, boolean add) {
        switch (ROWS * 100 + VECS) {
            case 402 -> tile4x2(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 502 -> tile5x2(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 602 -> tile6x2(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 802 -> tile8x2(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 801 -> tile8x1(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 1001 -> tile10x1(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 1201 -> tile12x1(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 303 -> tile3x3(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            case 403 -> tile4x3(kc, a, ai, b, bi, c, cPos, ldcBytes, add, null);
            default -> throw new IllegalStateException();
        }
    }

    static void toBuffer(int kc, float[] a, int ai, float[] b, int bi, float[] tile) {
        switch (ROWS * 100 + VECS) {
            case 402 -> tile4x2(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 502 -> tile5x2(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 602 -> tile6x2(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 802 -> tile8x2(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 801 -> tile8x1(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 1001 -> tile10x1(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 1201 -> tile12x1(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 303 -> tile3x3(kc, a, ai, b, bi, null, 0, 0, false, tile);
            case 403 -> tile4x3(kc, a, ai, b, bi, null, 0, 0, false, tile);
            default -> throw new IllegalStateException();
        }
    }

    static void tile4x2(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 4;
            int pb = bi + p * (2 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + 1 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        if (tile != null) {
            int w = 2 * l;
            c00.intoArray(tile, 0 * w + 0 * l); c01.intoArray(tile, 0 * w + 1 * l);
            c10.intoArray(tile, 1 * w + 0 * l); c11.intoArray(tile, 1 * w + 1 * l);
            c20.intoArray(tile, 2 * w + 0 * l); c21.intoArray(tile, 2 * w + 1 * l);
            c30.intoArray(tile, 3 * w + 0 * l); c31.intoArray(tile, 3 * w + 1 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 0 * ldc + 1 * l * 4L, c01, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 1 * ldc + 1 * l * 4L, c11, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 2 * ldc + 1 * l * 4L, c21, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 3 * ldc + 1 * l * 4L, c31, add);
    }

    static void tile5x2(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        FloatVector c40 = FloatVector.zero(s), c41 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 5;
            int pb = bi + p * (2 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + 1 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(s, a[pa + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
        }
        if (tile != null) {
            int w = 2 * l;
            c00.intoArray(tile, 0 * w + 0 * l); c01.intoArray(tile, 0 * w + 1 * l);
            c10.intoArray(tile, 1 * w + 0 * l); c11.intoArray(tile, 1 * w + 1 * l);
            c20.intoArray(tile, 2 * w + 0 * l); c21.intoArray(tile, 2 * w + 1 * l);
            c30.intoArray(tile, 3 * w + 0 * l); c31.intoArray(tile, 3 * w + 1 * l);
            c40.intoArray(tile, 4 * w + 0 * l); c41.intoArray(tile, 4 * w + 1 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 0 * ldc + 1 * l * 4L, c01, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 1 * ldc + 1 * l * 4L, c11, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 2 * ldc + 1 * l * 4L, c21, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 3 * ldc + 1 * l * 4L, c31, add);
        store(c, cPos + 4 * ldc + 0 * l * 4L, c40, add);
        store(c, cPos + 4 * ldc + 1 * l * 4L, c41, add);
    }

    static void tile6x2(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s);
        FloatVector c40 = FloatVector.zero(s), c41 = FloatVector.zero(s);
        FloatVector c50 = FloatVector.zero(s), c51 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 6;
            int pb = bi + p * (2 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + 1 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(s, a[pa + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(s, a[pa + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        if (tile != null) {
            int w = 2 * l;
            c00.intoArray(tile, 0 * w + 0 * l); c01.intoArray(tile, 0 * w + 1 * l);
            c10.intoArray(tile, 1 * w + 0 * l); c11.intoArray(tile, 1 * w + 1 * l);
            c20.intoArray(tile, 2 * w + 0 * l); c21.intoArray(tile, 2 * w + 1 * l);
            c30.intoArray(tile, 3 * w + 0 * l); c31.intoArray(tile, 3 * w + 1 * l);
            c40.intoArray(tile, 4 * w + 0 * l); c41.intoArray(tile, 4 * w + 1 * l);
            c50.intoArray(tile, 5 * w + 0 * l); c51.intoArray(tile, 5 * w + 1 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 0 * ldc + 1 * l * 4L, c01, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 1 * ldc + 1 * l * 4L, c11, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 2 * ldc + 1 * l * 4L, c21, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 3 * ldc + 1 * l * 4L, c31, add);
        store(c, cPos + 4 * ldc + 0 * l * 4L, c40, add);
        store(c, cPos + 4 * ldc + 1 * l * 4L, c41, add);
        store(c, cPos + 5 * ldc + 0 * l * 4L, c50, add);
        store(c, cPos + 5 * ldc + 1 * l * 4L, c51, add);
    }

    static void tile8x2(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
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
            int pa = ai + p * 8;
            int pb = bi + p * (2 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + 1 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(s, a[pa + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(s, a[pa + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(s, a[pa + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(s, a[pa + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        if (tile != null) {
            int w = 2 * l;
            c00.intoArray(tile, 0 * w + 0 * l); c01.intoArray(tile, 0 * w + 1 * l);
            c10.intoArray(tile, 1 * w + 0 * l); c11.intoArray(tile, 1 * w + 1 * l);
            c20.intoArray(tile, 2 * w + 0 * l); c21.intoArray(tile, 2 * w + 1 * l);
            c30.intoArray(tile, 3 * w + 0 * l); c31.intoArray(tile, 3 * w + 1 * l);
            c40.intoArray(tile, 4 * w + 0 * l); c41.intoArray(tile, 4 * w + 1 * l);
            c50.intoArray(tile, 5 * w + 0 * l); c51.intoArray(tile, 5 * w + 1 * l);
            c60.intoArray(tile, 6 * w + 0 * l); c61.intoArray(tile, 6 * w + 1 * l);
            c70.intoArray(tile, 7 * w + 0 * l); c71.intoArray(tile, 7 * w + 1 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 0 * ldc + 1 * l * 4L, c01, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 1 * ldc + 1 * l * 4L, c11, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 2 * ldc + 1 * l * 4L, c21, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 3 * ldc + 1 * l * 4L, c31, add);
        store(c, cPos + 4 * ldc + 0 * l * 4L, c40, add);
        store(c, cPos + 4 * ldc + 1 * l * 4L, c41, add);
        store(c, cPos + 5 * ldc + 0 * l * 4L, c50, add);
        store(c, cPos + 5 * ldc + 1 * l * 4L, c51, add);
        store(c, cPos + 6 * ldc + 0 * l * 4L, c60, add);
        store(c, cPos + 6 * ldc + 1 * l * 4L, c61, add);
        store(c, cPos + 7 * ldc + 0 * l * 4L, c70, add);
        store(c, cPos + 7 * ldc + 1 * l * 4L, c71, add);
    }

    static void tile8x1(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s);
        FloatVector c40 = FloatVector.zero(s);
        FloatVector c50 = FloatVector.zero(s);
        FloatVector c60 = FloatVector.zero(s);
        FloatVector c70 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 8;
            int pb = bi + p * (1 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(s, a[pa + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(s, a[pa + 5]);
            c50 = x.fma(b0, c50);
            x = FloatVector.broadcast(s, a[pa + 6]);
            c60 = x.fma(b0, c60);
            x = FloatVector.broadcast(s, a[pa + 7]);
            c70 = x.fma(b0, c70);
        }
        if (tile != null) {
            int w = 1 * l;
            c00.intoArray(tile, 0 * w + 0 * l);
            c10.intoArray(tile, 1 * w + 0 * l);
            c20.intoArray(tile, 2 * w + 0 * l);
            c30.intoArray(tile, 3 * w + 0 * l);
            c40.intoArray(tile, 4 * w + 0 * l);
            c50.intoArray(tile, 5 * w + 0 * l);
            c60.intoArray(tile, 6 * w + 0 * l);
            c70.intoArray(tile, 7 * w + 0 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 4 * ldc + 0 * l * 4L, c40, add);
        store(c, cPos + 5 * ldc + 0 * l * 4L, c50, add);
        store(c, cPos + 6 * ldc + 0 * l * 4L, c60, add);
        store(c, cPos + 7 * ldc + 0 * l * 4L, c70, add);
    }

    static void tile10x1(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s);
        FloatVector c40 = FloatVector.zero(s);
        FloatVector c50 = FloatVector.zero(s);
        FloatVector c60 = FloatVector.zero(s);
        FloatVector c70 = FloatVector.zero(s);
        FloatVector c80 = FloatVector.zero(s);
        FloatVector c90 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 10;
            int pb = bi + p * (1 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(s, a[pa + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(s, a[pa + 5]);
            c50 = x.fma(b0, c50);
            x = FloatVector.broadcast(s, a[pa + 6]);
            c60 = x.fma(b0, c60);
            x = FloatVector.broadcast(s, a[pa + 7]);
            c70 = x.fma(b0, c70);
            x = FloatVector.broadcast(s, a[pa + 8]);
            c80 = x.fma(b0, c80);
            x = FloatVector.broadcast(s, a[pa + 9]);
            c90 = x.fma(b0, c90);
        }
        if (tile != null) {
            int w = 1 * l;
            c00.intoArray(tile, 0 * w + 0 * l);
            c10.intoArray(tile, 1 * w + 0 * l);
            c20.intoArray(tile, 2 * w + 0 * l);
            c30.intoArray(tile, 3 * w + 0 * l);
            c40.intoArray(tile, 4 * w + 0 * l);
            c50.intoArray(tile, 5 * w + 0 * l);
            c60.intoArray(tile, 6 * w + 0 * l);
            c70.intoArray(tile, 7 * w + 0 * l);
            c80.intoArray(tile, 8 * w + 0 * l);
            c90.intoArray(tile, 9 * w + 0 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 4 * ldc + 0 * l * 4L, c40, add);
        store(c, cPos + 5 * ldc + 0 * l * 4L, c50, add);
        store(c, cPos + 6 * ldc + 0 * l * 4L, c60, add);
        store(c, cPos + 7 * ldc + 0 * l * 4L, c70, add);
        store(c, cPos + 8 * ldc + 0 * l * 4L, c80, add);
        store(c, cPos + 9 * ldc + 0 * l * 4L, c90, add);
    }

    static void tile12x1(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s);
        FloatVector c40 = FloatVector.zero(s);
        FloatVector c50 = FloatVector.zero(s);
        FloatVector c60 = FloatVector.zero(s);
        FloatVector c70 = FloatVector.zero(s);
        FloatVector c80 = FloatVector.zero(s);
        FloatVector c90 = FloatVector.zero(s);
        FloatVector c100 = FloatVector.zero(s);
        FloatVector c110 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 12;
            int pb = bi + p * (1 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(s, a[pa + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(s, a[pa + 5]);
            c50 = x.fma(b0, c50);
            x = FloatVector.broadcast(s, a[pa + 6]);
            c60 = x.fma(b0, c60);
            x = FloatVector.broadcast(s, a[pa + 7]);
            c70 = x.fma(b0, c70);
            x = FloatVector.broadcast(s, a[pa + 8]);
            c80 = x.fma(b0, c80);
            x = FloatVector.broadcast(s, a[pa + 9]);
            c90 = x.fma(b0, c90);
            x = FloatVector.broadcast(s, a[pa + 10]);
            c100 = x.fma(b0, c100);
            x = FloatVector.broadcast(s, a[pa + 11]);
            c110 = x.fma(b0, c110);
        }
        if (tile != null) {
            int w = 1 * l;
            c00.intoArray(tile, 0 * w + 0 * l);
            c10.intoArray(tile, 1 * w + 0 * l);
            c20.intoArray(tile, 2 * w + 0 * l);
            c30.intoArray(tile, 3 * w + 0 * l);
            c40.intoArray(tile, 4 * w + 0 * l);
            c50.intoArray(tile, 5 * w + 0 * l);
            c60.intoArray(tile, 6 * w + 0 * l);
            c70.intoArray(tile, 7 * w + 0 * l);
            c80.intoArray(tile, 8 * w + 0 * l);
            c90.intoArray(tile, 9 * w + 0 * l);
            c100.intoArray(tile, 10 * w + 0 * l);
            c110.intoArray(tile, 11 * w + 0 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 4 * ldc + 0 * l * 4L, c40, add);
        store(c, cPos + 5 * ldc + 0 * l * 4L, c50, add);
        store(c, cPos + 6 * ldc + 0 * l * 4L, c60, add);
        store(c, cPos + 7 * ldc + 0 * l * 4L, c70, add);
        store(c, cPos + 8 * ldc + 0 * l * 4L, c80, add);
        store(c, cPos + 9 * ldc + 0 * l * 4L, c90, add);
        store(c, cPos + 10 * ldc + 0 * l * 4L, c100, add);
        store(c, cPos + 11 * ldc + 0 * l * 4L, c110, add);
    }

    static void tile3x3(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s), c02 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s), c12 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s), c22 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 3;
            int pb = bi + p * (3 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + 1 * l);
            FloatVector b2 = FloatVector.fromArray(s, b, pb + 2 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
        }
        if (tile != null) {
            int w = 3 * l;
            c00.intoArray(tile, 0 * w + 0 * l); c01.intoArray(tile, 0 * w + 1 * l); c02.intoArray(tile, 0 * w + 2 * l);
            c10.intoArray(tile, 1 * w + 0 * l); c11.intoArray(tile, 1 * w + 1 * l); c12.intoArray(tile, 1 * w + 2 * l);
            c20.intoArray(tile, 2 * w + 0 * l); c21.intoArray(tile, 2 * w + 1 * l); c22.intoArray(tile, 2 * w + 2 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 0 * ldc + 1 * l * 4L, c01, add);
        store(c, cPos + 0 * ldc + 2 * l * 4L, c02, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 1 * ldc + 1 * l * 4L, c11, add);
        store(c, cPos + 1 * ldc + 2 * l * 4L, c12, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 2 * ldc + 1 * l * 4L, c21, add);
        store(c, cPos + 2 * ldc + 2 * l * 4L, c22, add);
    }

    static void tile4x3(int kc, float[] a, int ai, float[] b, int bi,
                              MemorySegment c, long cPos, long ldc, boolean add, float[] tile) {
        final VectorSpecies<Float> s = SPECIES;
        final int l = LANES;
        FloatVector c00 = FloatVector.zero(s), c01 = FloatVector.zero(s), c02 = FloatVector.zero(s);
        FloatVector c10 = FloatVector.zero(s), c11 = FloatVector.zero(s), c12 = FloatVector.zero(s);
        FloatVector c20 = FloatVector.zero(s), c21 = FloatVector.zero(s), c22 = FloatVector.zero(s);
        FloatVector c30 = FloatVector.zero(s), c31 = FloatVector.zero(s), c32 = FloatVector.zero(s);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * 4;
            int pb = bi + p * (3 * l);
            FloatVector b0 = FloatVector.fromArray(s, b, pb + 0 * l);
            FloatVector b1 = FloatVector.fromArray(s, b, pb + 1 * l);
            FloatVector b2 = FloatVector.fromArray(s, b, pb + 2 * l);
            FloatVector x = FloatVector.broadcast(s, a[pa + 0]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(s, a[pa + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(s, a[pa + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(s, a[pa + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
        }
        if (tile != null) {
            int w = 3 * l;
            c00.intoArray(tile, 0 * w + 0 * l); c01.intoArray(tile, 0 * w + 1 * l); c02.intoArray(tile, 0 * w + 2 * l);
            c10.intoArray(tile, 1 * w + 0 * l); c11.intoArray(tile, 1 * w + 1 * l); c12.intoArray(tile, 1 * w + 2 * l);
            c20.intoArray(tile, 2 * w + 0 * l); c21.intoArray(tile, 2 * w + 1 * l); c22.intoArray(tile, 2 * w + 2 * l);
            c30.intoArray(tile, 3 * w + 0 * l); c31.intoArray(tile, 3 * w + 1 * l); c32.intoArray(tile, 3 * w + 2 * l);
            return;
        }
        store(c, cPos + 0 * ldc + 0 * l * 4L, c00, add);
        store(c, cPos + 0 * ldc + 1 * l * 4L, c01, add);
        store(c, cPos + 0 * ldc + 2 * l * 4L, c02, add);
        store(c, cPos + 1 * ldc + 0 * l * 4L, c10, add);
        store(c, cPos + 1 * ldc + 1 * l * 4L, c11, add);
        store(c, cPos + 1 * ldc + 2 * l * 4L, c12, add);
        store(c, cPos + 2 * ldc + 0 * l * 4L, c20, add);
        store(c, cPos + 2 * ldc + 1 * l * 4L, c21, add);
        store(c, cPos + 2 * ldc + 2 * l * 4L, c22, add);
        store(c, cPos + 3 * ldc + 0 * l * 4L, c30, add);
        store(c, cPos + 3 * ldc + 1 * l * 4L, c31, add);
        store(c, cPos + 3 * ldc + 2 * l * 4L, c32, add);
    }

    private static void store(MemorySegment c, long pos, FloatVector v, boolean add) {
        if (add) v = v.add(FloatVector.fromMemorySegment(SPECIES, c, pos, NATIVE));
        v.intoMemorySegment(c, pos, NATIVE);
    }
}
