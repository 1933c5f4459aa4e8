package dev.fastdraft.kernels.ops;

import java.lang.foreign.MemorySegment;

/**
 * Scalar rotate-half RoPE written the way HF does it: build cat(freqs, freqs) cos/sin rows and
 * compute q * cos + rotate_half(q) * sin element by element. Positions per row; {@code inverse}
 * negates sin (the backward pass).
 */
public final class RopeReference {
    private RopeReference() {}

    public static void apply(int rows, int nHeads, int headDim, int rotaryDim, MemorySegment x, long xOff, int ldx,
                             int[] positions, RopeTable table, boolean inverse) {
        int half = rotaryDim / 2;
        float[] q = new float[rotaryDim];
        for (int t = 0; t < rows; t++) {
            int p = positions[t];
            for (int h = 0; h < nHeads; h++) {
                long base = xOff + (long) t * ldx + (long) h * headDim;
                for (int d = 0; d < rotaryDim; d++) q[d] = Simd.get(x, base + d);
                for (int d = 0; d < rotaryDim; d++) {
                    int i = d % half;
                    float c = Simd.get(table.cos(), (long) p * half + i);
                    float s = Simd.get(table.sin(), (long) p * half + i);
                    if (inverse) s = -s;
                    float rotated = d < half ? -q[d + half] : q[d - half];
                    Simd.set(x, base + d, q[d] * c + rotated * s);
                }
            }
        }
    }
}
