package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Against the double reference with logits in [-10, 10]: per-row losses within 2e-6 + 1e-6 relative
 * (the blocked float sum inside the log), gradients within 4e-6 relative (as softmax, plus the
 * rounded log-sum) and 1e-9 * scale absolute; the target entry, p - 1, within 4e-6 * scale.
 */
class CrossEntropyTest {
    @Test
    void fusedLossAndGradientMatchReference() {
        Random rnd = new Random(51);
        for (Layout l : Layout.awkward()) {
            for (WorkerPool pool : new WorkerPool[] {null, Layout.POOL}) {
                int rows = l.rows(), vocab = l.n();
                int[] targets = new int[rows + 1];
                for (int r = 0; r < targets.length; r++) targets[r] = rnd.nextInt(5) == 0 ? CrossEntropy.IGNORE_INDEX : rnd.nextInt(vocab);
                MemorySegment logits = l.random(rnd, -10, 10);
                int count = CrossEntropy.countTargets(rows, targets, 1);
                float scale = count == 0 ? 1f : 1f / count;
                MemorySegment grad = l.sentinel();
                double[] ref = CrossEntropyReference.run(rows, vocab, logits, l.off(), l.ld(), targets, 1, scale, grad, l.off(), l.ld());
                double refSum = 0;
                for (double v : ref) refSum += v;

                MemorySegment rowLoss = MemorySegment.ofArray(new float[rows]);
                CrossEntropy.Loss onlyLoss = CrossEntropy.loss(pool, rows, vocab, logits, l.off(), l.ld(), targets, 1, rowLoss, 0);
                for (int r = 0; r < rows; r++) assertEquals(ref[r], Simd.get(rowLoss, r), 2e-6 + 1e-6 * ref[r], "row loss " + r + " " + l);

                MemorySegment inPlace = Layout.copy(logits);
                CrossEntropy.Loss loss = CrossEntropy.forwardBackward(pool, rows, vocab, inPlace, l.off(), l.ld(), targets, 1, scale);
                assertEquals(count, loss.count());
                assertEquals(count, onlyLoss.count());
                assertEquals(refSum, loss.sum(), 2e-6 * rows + 1e-6 * Math.abs(refSum), "loss sum " + l);
                assertEquals(loss.sum(), onlyLoss.sum(), 0.0, "both paths compute the same loss");
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < vocab; i++) {
                        // the target entry is (p - 1) * scale: its error is that of p * scale, not relative to p - 1
                        boolean target = targets[1 + r] == i;
                        Approx.check("crossEntropy grad " + l + " at (" + r + ", " + i + ")", Simd.get(grad, l.at(r, i)),
                                Simd.get(inPlace, l.at(r, i)), target ? 4e-6 * scale : 1e-9 * scale, 4e-6);
                    }
                }
                for (long k = 0; k < l.size(); k++) {
                    if (!l.inRow(k)) assertEquals(Simd.get(logits, k), Simd.get(inPlace, k), "outside rows at " + k);
                }
            }
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        float[] a = {1000f, -1000f, 0f, 88f, 89f, -200f};
        MemorySegment x = MemorySegment.ofArray(a);
        CrossEntropy.Loss loss = CrossEntropy.forwardBackward(null, 2, 3, x, 0, 3, new int[] {1, 2}, 0, 1f);
        // row 0: lse = 1000, target -1000; row 1: lse = 89 + log(1 + e^-1), target -200
        assertEquals(2000 + 289 + Math.log1p(Math.exp(-1)), loss.sum(), 1e-4);
        float[] g = x.toArray(Simd.F32);
        assertEquals(1f, g[0], 1e-6f);
        assertEquals(-1f, g[1], 1e-6f);
        assertEquals(-1f, g[5], 1e-6f);
        for (float v : g) assertTrue(Float.isFinite(v));
    }

    @Test
    void ignoredRowsGetZeroGradientAndAllIgnoredGivesNaNMean() {
        MemorySegment x = MemorySegment.ofArray(new float[] {1, 2, 3, 4});
        CrossEntropy.Loss loss = CrossEntropy.forwardBackward(null, 2, 2, x, 0, 2, new int[] {-100, -100}, 0, 1f);
        assertEquals(0, loss.count());
        assertTrue(Double.isNaN(loss.mean()));
        for (float v : x.toArray(Simd.F32)) assertEquals(0f, v);
    }

    @Test
    void badTargetIsRejectedBeforeAnythingIsWritten() {
        float[] a = {1, 2, 3, 4, 5, 6};
        MemorySegment x = MemorySegment.ofArray(a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.forwardBackward(null, 2, 3, x, 0, 3, new int[] {0, 3}, 0, 1f));
        assertTrue(e.getMessage().contains("target 3 of row 1"), e.getMessage());
        assertEquals(1f, Simd.get(x, 0), "row 0 untouched");
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.loss(null, 1, 3, x, 0, 3, new int[] {-1}, 0, null, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> CrossEntropy.loss(null, 2, 3, x, 0, 3, new int[] {0}, 0, null, 0));
    }
}
