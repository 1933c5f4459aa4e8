package dev.fastdraft.kernels.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Inputs for one attention case, held both as contiguous doubles (for the reference) and as float
 * segments with the kernel's strided layout: q and out with padded rows, k and v interleaved in
 * one KV-cache segment ([tk x 2*kvWidth + 3], k first), all at nonzero offsets when strided.
 */
final class AttentionFixture {
    final AttentionConfig cfg;
    final int tq, pos0, tk, qw, kw;
    final double[] q, k, v;
    final MemorySegment qSeg, kvSeg;
    final long qOff, kOff, vOff;
    final int ldq, ldkv;

    AttentionFixture(AttentionConfig cfg, int tq, int pos0, boolean strided, double magnitude, Random rnd) {
        this.cfg = cfg;
        this.tq = tq;
        this.pos0 = pos0;
        this.tk = pos0 + tq;
        this.qw = cfg.nHeads() * cfg.headDim();
        this.kw = cfg.nKvHeads() * cfg.headDim();
        q = randomFloats(tq * qw, magnitude, rnd);
        k = randomFloats(tk * kw, magnitude, rnd);
        v = randomFloats(tk * kw, 1, rnd);
        ldq = strided ? qw + 3 : qw;
        qOff = strided ? 5 : 0;
        qSeg = pack(q, tq, qw, ldq, qOff);
        ldkv = strided ? 2 * kw + 3 : 2 * kw;
        kOff = strided ? 2 : 0;
        vOff = kOff + kw;
        float[] kv = new float[(int) (kOff + (long) tk * ldkv + 8)];
        for (int j = 0; j < tk; j++) {
            for (int i = 0; i < kw; i++) {
                kv[(int) (kOff + (long) j * ldkv + i)] = (float) k[j * kw + i];
                kv[(int) (vOff + (long) j * ldkv + i)] = (float) v[j * kw + i];
            }
        }
        kvSeg = MemorySegment.ofArray(kv);
    }

    /** Values rounded to float, so the double reference sees exactly the kernel's inputs. */
    static double[] randomFloats(int n, double magnitude, Random rnd) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * magnitude);
        return a;
    }

    static MemorySegment pack(double[] a, int rows, int width, int ld, long off) {
        float[] f = new float[(int) (off + (long) Math.max(0, rows - 1) * ld + width + 4)];
        java.util.Arrays.fill(f, 777f);
        for (int r = 0; r < rows; r++) for (int i = 0; i < width; i++) f[(int) (off + (long) r * ld + i)] = (float) a[r * width + i];
        return MemorySegment.ofArray(f);
    }

    static double[] unpack(MemorySegment s, int rows, int width, int ld, long off) {
        double[] a = new double[rows * width];
        for (int r = 0; r < rows; r++) for (int i = 0; i < width; i++) a[r * width + i] = s.getAtIndex(ValueLayout.JAVA_FLOAT, off + (long) r * ld + i);
        return a;
    }

    @Override
    public String toString() {
        return "heads " + cfg.nHeads() + "/" + cfg.nKvHeads() + " hd " + cfg.headDim() + " window " + cfg.window()
                + " tq " + tq + " pos0 " + pos0 + " strided " + (ldq != qw);
    }
}
