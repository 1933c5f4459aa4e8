package dev.fastdraft.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Backward against the naive reference's analytic gradients, and the reference itself against
 * central finite differences in double. Float gradients here are sums of up to tk terms of size
 * ~1 * scale, each with a few roundings: 2e-5 absolute + 1e-4 relative covers them (the observed
 * error is below 3e-6), while an indexing or masking mistake changes gradients by O(0.01..1).
 */
class FlashAttentionBackwardTest {
    record Case(int nHeads, int nKv, int hd, int tq, int pos0, int window, boolean strided) {}

    private static final Case[] CASES = {
        new Case(2, 2, 1, 5, 0, 0, false),
        new Case(4, 2, 16, 70, 0, 0, true),
        new Case(4, 1, 64, 33, 0, 9, false),
        new Case(8, 2, 96, 20, 0, 0, true),
        new Case(4, 4, 16, 130, 0, 70, false),
        new Case(4, 2, 64, 5, 60, 0, true),     // cache append: keys below pos0 get gradients too
        new Case(2, 1, 17, 9, 100, 40, false),  // append with a window and an odd head size
        new Case(4, 1, 16, 1, 130, 0, true),    // decode row
        new Case(6, 1, 20, 40, 0, 0, false),    // group of six: four heads together, two alone
    };

    @Test
    void matchesReferenceGradients() {
        long seed = 500;
        for (Case c : CASES) {
            for (WorkerPool pool : new WorkerPool[] {null, FlashAttentionTest.POOL}) check(c, pool, seed++);
        }
    }

    private static void check(Case c, WorkerPool pool, long seed) {
        Random rnd = new Random(seed);
        AttentionConfig cfg = new AttentionConfig(c.nHeads, c.nKv, c.hd, (float) (1 / Math.sqrt(c.hd)), c.window);
        AttentionFixture f = new AttentionFixture(cfg, c.tq, c.pos0, c.strided, 1, rnd);
        double[] dOut = AttentionFixture.randomFloats(c.tq * f.qw, 1, rnd);
        int ld = c.strided ? f.qw + 2 : f.qw, ldkv = c.strided ? f.kw + 1 : f.kw;
        long off = c.strided ? 1 : 0;

        // Forward with the kernel: backward consumes its out and lse, as training does.
        MemorySegment out = AttentionFixture.pack(new double[c.tq * f.qw], c.tq, f.qw, ld, off);
        MemorySegment lse = MemorySegment.ofArray(new float[c.nHeads * c.tq]);
        FlashAttention.forward(pool, cfg, c.tq, c.pos0, f.qSeg, f.qOff, f.ldq, f.kvSeg, f.kOff, f.ldkv, f.kvSeg, f.vOff, f.ldkv,
                out, off, ld, lse, 0);

        double[] dqRef = new double[c.tq * f.qw], dkRef = new double[f.tk * f.kw], dvRef = new double[f.tk * f.kw];
        java.util.Arrays.fill(dkRef, 0.5);
        java.util.Arrays.fill(dvRef, -0.25);
        AttentionReference.backward(cfg, c.tq, c.pos0, f.q, f.k, f.v, dOut, dqRef, dkRef, dvRef);

        MemorySegment dOutSeg = AttentionFixture.pack(dOut, c.tq, f.qw, ld, off);
        MemorySegment dq = AttentionFixture.pack(new double[c.tq * f.qw], c.tq, f.qw, ld, off);
        double[] half = new double[f.tk * f.kw], quarter = new double[f.tk * f.kw];
        java.util.Arrays.fill(half, 0.5);
        java.util.Arrays.fill(quarter, -0.25);
        MemorySegment dk = AttentionFixture.pack(half, f.tk, f.kw, ldkv, off);
        MemorySegment dv = AttentionFixture.pack(quarter, f.tk, f.kw, ldkv, off);
        FlashAttention.backward(pool, cfg, c.tq, c.pos0, f.qSeg, f.qOff, f.ldq, f.kvSeg, f.kOff, f.ldkv, f.kvSeg, f.vOff, f.ldkv,
                out, off, ld, dOutSeg, off, ld, lse, 0, dq, off, ld, dk, off, ldkv, dv, off, ldkv);

        compare(c + " dq", dqRef, AttentionFixture.unpack(dq, c.tq, f.qw, ld, off), 2e-5, 1e-4);
        compare(c + " dk (accumulated onto 0.5)", dkRef, AttentionFixture.unpack(dk, f.tk, f.kw, ldkv, off), 2e-5, 1e-4);
        compare(c + " dv (accumulated onto -0.25)", dvRef, AttentionFixture.unpack(dv, f.tk, f.kw, ldkv, off), 2e-5, 1e-4);
    }

    static void compare(String what, double[] expected, double[] actual, double atol, double rtol) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + " [" + i + "]: expected " + expected[i] + " but was " + actual[i] + " (error " + err + ")");
            }
        }
    }

    /** The reference's analytic gradient against central differences of sum(out * G), all in double. */
    @Test
    void referenceGradientMatchesFiniteDifferences() {
        AttentionConfig cfg = new AttentionConfig(4, 2, 3, 0.7f, 3);
        int tq = 4, pos0 = 2;
        Random rnd = new Random(600);
        AttentionFixture f = new AttentionFixture(cfg, tq, pos0, false, 1, rnd);
        double[] g = AttentionFixture.randomFloats(tq * f.qw, 1, rnd);
        double[] dq = new double[f.q.length], dk = new double[f.k.length], dv = new double[f.v.length];
        AttentionReference.backward(cfg, tq, pos0, f.q, f.k, f.v, g, dq, dk, dv);

        double h = 1e-6;
        double[][] inputs = {f.q, f.k, f.v};
        double[][] grads = {dq, dk, dv};
        String[] names = {"dq", "dk", "dv"};
        for (int which = 0; which < 3; which++) {
            double[] x = inputs[which];
            for (int i = 0; i < x.length; i++) {
                double saved = x[i];
                x[i] = saved + h;
                double plus = loss(cfg, tq, pos0, f, g);
                x[i] = saved - h;
                double minus = loss(cfg, tq, pos0, f, g);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                // central differences: O(h^2) truncation plus ~1e-16/h rounding, about 1e-9 here
                assertEquals(numeric, grads[which][i], 1e-8, names[which] + "[" + i + "]");
            }
        }

        // And the float kernel against the same finite differences, at float tolerance.
        MemorySegment out = MemorySegment.ofArray(new float[tq * f.qw]);
        MemorySegment lse = MemorySegment.ofArray(new float[cfg.nHeads() * tq]);
        FlashAttention.forward(null, cfg, tq, pos0, f.qSeg, 0, f.qw, f.kvSeg, f.kOff, f.ldkv, f.kvSeg, f.vOff, f.ldkv, out, 0, f.qw, lse, 0);
        MemorySegment dqK = MemorySegment.ofArray(new float[f.q.length]), dkK = MemorySegment.ofArray(new float[f.k.length]);
        MemorySegment dvK = MemorySegment.ofArray(new float[f.v.length]);
        FlashAttention.backward(null, cfg, tq, pos0, f.qSeg, 0, f.qw, f.kvSeg, f.kOff, f.ldkv, f.kvSeg, f.vOff, f.ldkv, out, 0, f.qw,
                AttentionFixture.pack(g, tq, f.qw, f.qw, 0), 0, f.qw, lse, 0, dqK, 0, f.qw, dkK, 0, f.kw, dvK, 0, f.kw);
        compare("kernel dq vs reference", dq, AttentionFixture.unpack(dqK, tq, f.qw, f.qw, 0), 1e-5, 1e-5);
        compare("kernel dk vs reference", dk, AttentionFixture.unpack(dkK, f.tk, f.kw, f.kw, 0), 1e-5, 1e-5);
        compare("kernel dv vs reference", dv, AttentionFixture.unpack(dvK, f.tk, f.kw, f.kw, 0), 1e-5, 1e-5);
    }

    private static double loss(AttentionConfig cfg, int tq, int pos0, AttentionFixture f, double[] g) {
        double[] out = new double[tq * f.qw];
        AttentionReference.forward(cfg, tq, pos0, f.q, f.k, f.v, out, new double[cfg.nHeads() * tq]);
        double s = 0;
        for (int i = 0; i < out.length; i++) s += out[i] * g[i];
        return s;
    }
}
