package dev.fastdraft.pipeline.distill;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.autograd.CrossEntropy;
import dev.fastdraft.autograd.Elementwise;
import dev.fastdraft.autograd.Tape;
import dev.fastdraft.autograd.Var;
import dev.fastdraft.engine.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The distillation loss against a direct double-precision transcription of its definition, and its gradient
 * against central finite differences of that definition. The reference is itself checked to be the op's
 * forward value, so the gradient is checked against the function the op computes.
 */
class DistillLossTest {
    static final int ROWS = 7, VOCAB = 11, K = 3;
    static final float WEIGHT = 0.7f;

    /** Rows: 0-1 target inside the top-k, 2 ignored, 3 without stored probabilities, 4-6 target outside. */
    record Case(float[] logits, int[] targets, DistillLoss.SoftTargets soft) {}

    static Case randomCase(long seed) {
        Random r = new Random(seed);
        float[] logits = new float[ROWS * VOCAB];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 1.5);
        int[] targets = new int[ROWS];
        int[] ids = new int[ROWS * K];
        float[] probs = new float[ROWS * K];
        for (int row = 0; row < ROWS; row++) {
            int[] perm = r.ints(0, VOCAB).distinct().limit(K + 1).toArray();
            for (int j = 0; j < K; j++) {
                ids[row * K + j] = perm[j];
                probs[row * K + j] = row == 3 ? 0f : (float) (0.05 + r.nextDouble()) * 0.8f / K; // sums below 1: the rest is one more outcome
            }
            targets[row] = row == 2 ? CrossEntropy.IGNORE : row < 2 ? perm[1] : perm[K];
        }
        return new Case(logits, targets, new DistillLoss.SoftTargets(K, ids, probs));
    }

    /** The definition, in double. */
    static double reference(double[] z, Case c, DistillLoss.Kind kind) {
        double total = 0;
        int count = 0;
        for (int r = 0; r < ROWS; r++) {
            int t = c.targets()[r];
            if (t == CrossEntropy.IGNORE) continue;
            count++;
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int v = 0; v < VOCAB; v++) max = Math.max(max, z[r * VOCAB + v]);
            for (int v = 0; v < VOCAB; v++) sum += Math.exp(z[r * VOCAB + v] - max);
            double[] q = new double[VOCAB];
            for (int v = 0; v < VOCAB; v++) q[v] = Math.exp(z[r * VOCAB + v] - max) / sum;
            total += -Math.log(q[t]);
            double mass = 0;
            for (int j = 0; j < K; j++) mass += c.soft().probs()[r * K + j];
            if (kind == DistillLoss.Kind.CE || mass == 0) continue;
            // the top-k ids and one more outcome, the rest of the vocabulary
            double rest = 1 - mass, qRest = 1, kd = 0;
            for (int j = 0; j < K; j++) {
                double p = c.soft().probs()[r * K + j], qj = q[c.soft().ids()[r * K + j]];
                qRest -= qj;
                if (kind == DistillLoss.Kind.KL && p > 0) kd += p * Math.log(p / qj);
                if (kind == DistillLoss.Kind.TV) kd += 0.5 * Math.abs(p - qj);
            }
            if (kind == DistillLoss.Kind.KL) kd += rest * Math.log(rest / qRest);
            if (kind == DistillLoss.Kind.TV) kd += 0.5 * Math.abs(rest - qRest);
            total += WEIGHT * kd;
        }
        return total / count;
    }

    /** The smallest |q_v - p_v| over the stored ids of rows with probabilities, and |q_rest - r|. */
    static double minGap(double[] z, Case c) {
        double gap = Double.POSITIVE_INFINITY;
        for (int r = 0; r < ROWS; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0, mass = 0;
            for (int v = 0; v < VOCAB; v++) max = Math.max(max, z[r * VOCAB + v]);
            for (int v = 0; v < VOCAB; v++) sum += Math.exp(z[r * VOCAB + v] - max);
            for (int j = 0; j < K; j++) mass += c.soft().probs()[r * K + j];
            if (mass == 0 || c.targets()[r] == CrossEntropy.IGNORE) continue;
            double qRest = 1;
            for (int j = 0; j < K; j++) {
                double q = Math.exp(z[r * VOCAB + c.soft().ids()[r * K + j]] - max) / sum;
                qRest -= q;
                gap = Math.min(gap, Math.abs(q - c.soft().probs()[r * K + j]));
            }
            gap = Math.min(gap, Math.abs(qRest - (1 - mass)));
        }
        return gap;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @ParameterizedTest
    @EnumSource(DistillLoss.Kind.class)
    void lossIsTheDefinition(DistillLoss.Kind kind) {
        for (long seed = 1; seed <= 5; seed++) {
            Case c = randomCase(seed);
            Var logits = Var.constant(Tensor.of(c.logits().clone(), ROWS, VOCAB));
            double got = DistillLoss.mean(logits, c.targets(), c.soft(), kind, WEIGHT).value().get(0);
            double want = reference(toDouble(c.logits()), c, kind);
            // float32 log-softmax of O(1) logits: ~1e-6 relative; 1e-5 leaves room and still catches any wrong term
            assertEquals(want, got, 1e-5 * Math.abs(want), kind + " seed " + seed);
            assertArrayEquals(c.logits(), logits.value().toFloatArray(), "without a tape the logits are left intact");
        }
    }

    /**
     * d(2.5 * loss)/d logits from the tape against central differences of the double definition (eps 1e-5:
     * truncation ~1e-10, rounding ~1e-11). Tolerance 1e-4 of the largest gradient entry: the op works in float32
     * (~1e-6 relative). TV is not differentiable where q_v = p_v: the cases keep every |q - p| far above eps.
     */
    @ParameterizedTest
    @EnumSource(DistillLoss.Kind.class)
    void gradientMatchesFiniteDifferences(DistillLoss.Kind kind) {
        double eps = 1e-5;
        for (long seed = 11; seed <= 14; seed++) {
            Case c = randomCase(seed);
            if (kind == DistillLoss.Kind.TV) assertTrue(minGap(toDouble(c.logits()), c) > 100 * eps, "TV probe points stay away from its kinks");
            Var x = Var.param(Tensor.of(c.logits().clone(), ROWS, VOCAB));
            try (Tape tape = Tape.record()) {
                // scale by 1 first: the op consumes its input's values, and x must survive as the probe point
                Var loss = DistillLoss.mean(Elementwise.scale(x, 1f), c.targets(), c.soft(), kind, WEIGHT);
                tape.backward(Elementwise.scale(loss, 2.5f));
            }
            float[] analytic = x.grad().toFloatArray();
            double[] z = toDouble(c.logits());
            double maxAbs = 0;
            for (float a : analytic) maxAbs = Math.max(maxAbs, Math.abs(a));
            for (int i = 0; i < z.length; i++) {
                double keep = z[i];
                z[i] = keep + eps;
                double plus = reference(z, c, kind);
                z[i] = keep - eps;
                double minus = reference(z, c, kind);
                z[i] = keep;
                double numeric = 2.5 * (plus - minus) / (2 * eps);
                assertEquals(numeric, analytic[i], 1e-4 * maxAbs, kind + " seed " + seed + " row " + i / VOCAB + " id " + i % VOCAB);
            }
            for (int v = 0; v < VOCAB; v++) assertEquals(0f, analytic[2 * VOCAB + v], "an ignored row gets no gradient");
        }
    }

    /** A draft whose distribution is the target's scores no KD term, however little mass the top-k holds. */
    @ParameterizedTest
    @EnumSource(value = DistillLoss.Kind.class, names = {"KL", "TV"})
    void theTargetsOwnDistributionScoresZero(DistillLoss.Kind kind) {
        Case c = randomCase(21);
        double[] z = toDouble(c.logits());
        float[] probs = new float[ROWS * K];
        for (int r = 0; r < ROWS; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int v = 0; v < VOCAB; v++) max = Math.max(max, z[r * VOCAB + v]);
            for (int v = 0; v < VOCAB; v++) sum += Math.exp(z[r * VOCAB + v] - max);
            for (int j = 0; j < K; j++) probs[r * K + j] = (float) (Math.exp(z[r * VOCAB + c.soft().ids()[r * K + j]] - max) / sum);
        }
        var own = new DistillLoss.SoftTargets(K, c.soft().ids(), probs);
        double withKd = DistillLoss.mean(Var.constant(Tensor.of(c.logits().clone(), ROWS, VOCAB)), c.targets(), own, kind, WEIGHT).value().get(0);
        double ce = DistillLoss.mean(Var.constant(Tensor.of(c.logits().clone(), ROWS, VOCAB)), c.targets(), own, DistillLoss.Kind.CE, WEIGHT).value().get(0);
        assertEquals(ce, withKd, 1e-5 * ce, kind + ": only the cross-entropy is left");
    }

    @Test
    void crossEntropyKindIsCrossEntropy() {
        Case c = randomCase(3);
        Var a = Var.param(Tensor.of(c.logits().clone(), ROWS, VOCAB)), b = Var.param(Tensor.of(c.logits().clone(), ROWS, VOCAB));
        double la, lb;
        try (Tape tape = Tape.record()) {
            Var l = DistillLoss.mean(Elementwise.scale(a, 1f), c.targets(), null, DistillLoss.Kind.CE, 0);
            la = l.value().get(0);
            tape.backward(l);
        }
        try (Tape tape = Tape.record()) {
            Var l = CrossEntropy.mean(Elementwise.scale(b, 1f), c.targets());
            lb = l.value().get(0);
            tape.backward(l);
        }
        assertEquals(lb, la, 1e-6 * lb);
        assertArrayEquals(b.grad().toFloatArray(), a.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void badInputIsRefused() {
        Case c = randomCase(1);
        Var logits = Var.constant(Tensor.of(c.logits(), ROWS, VOCAB));
        var e = assertThrows(IllegalArgumentException.class, () -> DistillLoss.mean(logits, c.targets(), null, DistillLoss.Kind.KL, 1));
        assertTrue(e.getMessage().contains("top-k"), e.getMessage());
        int[] bad = c.soft().ids().clone();
        bad[0] = VOCAB;
        var f = assertThrows(IllegalArgumentException.class,
                () -> DistillLoss.mean(logits, c.targets(), new DistillLoss.SoftTargets(K, bad, c.soft().probs()), DistillLoss.Kind.TV, 1));
        assertTrue(f.getMessage().contains("top-k id 11 at row 0"), f.getMessage());
    }
}
