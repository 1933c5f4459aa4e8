package dev.fastdraft.pipeline.distill;

import dev.fastdraft.autograd.CrossEntropy;
import dev.fastdraft.autograd.Tape;
import dev.fastdraft.autograd.Var;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.Softmax;
import dev.fastdraft.kernels.ops.VectorOps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The distillation loss over logits rows: cross-entropy on the hard target (the token the target model
 * emitted) plus {@code weight} times a term that matches the target's stored top-k distribution.
 *
 * <p>Per row r with hard target t (rows whose target is {@link CrossEntropy#IGNORE} count for nothing), with
 * q = softmax(z_r) the draft's distribution over the whole vocabulary, p_j the target's stored top-k
 * probabilities (k_j their ids) and the rest of the vocabulary taken as one more outcome: the target's
 * r = 1 - sum_j p_j against the draft's q_rest = 1 - sum_j q(k_j):
 * <ul>
 *   <li>CE_r = -log q(t)</li>
 *   <li>KL: KD_r = sum_j p_j (log p_j - log q(k_j)) + r (log r - log q_rest): forward KL between the two
 *       distributions over those k + 1 outcomes, mass-covering, and a lower bound of KL(p || q)</li>
 *   <li>TV: KD_r = 1/2 (sum_j |p_j - q(k_j)| + |r - q_rest|): the total variation distance over the same
 *       outcomes, a lower bound of the full one, whose complement 1 - TV is the probability that speculative
 *       sampling accepts the draft's token</li>
 * </ul>
 * A draft that copies the target's whole distribution scores 0. (Renormalising the top-k to 1 instead, as
 * this loss did before, made the best draft the one that puts nothing outside the top-k.) Stored
 * probabilities summing past 1 (rounding) are scaled to 1.
 *
 * <p>loss = (sum_r CE_r + weight * sum_r KD_r) / (rows with a target). Rows without stored probabilities (all
 * zero) get no KD term. Gradient with respect to z_r, before the 1/count: q - onehot(t) + weight * G with, for
 * KL, G_u = q_u - p_u on the top-k ids and q_u (1 - r / q_rest) elsewhere; for TV, G_u = q_u (g_u - sum_v
 * q_v g_v) with g_v = sign(q_v - p_v) / 2 on the top-k ids and sign(q_rest - r) / 2 elsewhere (the
 * subgradient 0 at equality). The top-k ids of one row must be distinct.
 *
 * <p>As {@link CrossEntropy#mean}, the forward pass writes the gradient over the logits when recording, so the
 * [rows x vocab] buffer exists once; the logits must not be read again afterwards.
 */
public final class DistillLoss {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    public enum Kind {
        CE, KL, TV;

        public static Kind parse(String s) {
            return switch (s) {
                case "ce" -> CE;
                case "kl" -> KL;
                case "tv" -> TV;
                default -> throw new IllegalArgumentException("--loss must be ce, kl or tv, got '" + s + "'");
            };
        }
    }

    /** The target's top-k per row: ids and probabilities at [r*k, (r+1)*k); probabilities all 0 for none. */
    public record SoftTargets(int k, int[] ids, float[] probs) {
        public SoftTargets {
            if (k < 1) throw new IllegalArgumentException("distill loss: top-k must be >= 1, got " + k);
            if (ids.length != probs.length || ids.length % k != 0) {
                throw new IllegalArgumentException("distill loss: " + ids.length + " top-k ids and " + probs.length + " probabilities for k " + k);
            }
        }
    }

    private DistillLoss() {}

    /** The mean loss; {@code soft} may be null for cross-entropy only (then {@code kind} must be CE). */
    public static Var mean(Var logits, int[] targets, SoftTargets soft, Kind kind, float weight) {
        Tensor l = logits.value();
        if (l.rank() != 2) throw new IllegalArgumentException("distill loss: logits must be [rows, vocab], got rank " + l.rank());
        int rows = l.dim(0), vocab = l.dim(1);
        if (targets.length != rows) throw new IllegalArgumentException("distill loss: " + targets.length + " targets for " + rows + " rows of logits");
        if (kind != Kind.CE && soft == null) throw new IllegalArgumentException("distill loss: --loss " + kind.name().toLowerCase() + " needs stored top-k probabilities");
        if (soft != null && soft.ids().length != rows * soft.k()) {
            throw new IllegalArgumentException("distill loss: " + soft.ids().length / soft.k() + " rows of top-k for " + rows + " rows of logits");
        }
        if (!(weight >= 0)) throw new IllegalArgumentException("distill loss: weight must be >= 0, got " + weight);
        int count = 0;
        for (int r = 0; r < rows; r++) {
            int t = targets[r];
            if (t == CrossEntropy.IGNORE) continue;
            if (t < 0 || t >= vocab) throw new IllegalArgumentException("distill loss: target " + t + " at row " + r + " is outside the vocabulary [0, " + vocab + ")");
            count++;
            if (soft != null) {
                for (int j = 0; j < soft.k(); j++) {
                    int id = soft.ids()[r * soft.k() + j];
                    if (id < 0 || id >= vocab) throw new IllegalArgumentException("distill loss: top-k id " + id + " at row " + r + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        boolean grad = Tape.recording(logits);
        // without a tape the logits stay intact: work on a copy
        Tensor work = grad ? l.contiguousF32() : Tensor.of(l.toFloatArray(), rows, vocab);
        MemorySegment seg = work.segment();
        long base = work.offset();
        WorkerPool pool = WorkerPool.common();
        Softmax.logForward(pool, rows, vocab, seg, base, vocab, seg, base, vocab);
        double[] ce = new double[rows], kd = new double[rows];
        float inv = count == 0 ? 0f : 1f / count;
        Kind k = soft == null ? Kind.CE : kind;
        pool.parallelRange(rows, 4, (from, to) -> {
            for (int r = from; r < to; r++) row(seg, base + (long) r * vocab, vocab, targets[r], soft, r, k, weight, inv, grad, ce, kd);
        });
        double sumCe = 0, sumKd = 0;
        for (int r = 0; r < rows; r++) {
            sumCe += ce[r];
            sumKd += kd[r];
        }
        double loss = count == 0 ? 0 : (sumCe + (k == Kind.CE ? 0 : weight * sumKd)) / count;
        Tensor out = Tensor.of(new float[] {(float) loss}, 1);
        return Tape.output(out, g -> {
            float scale = g.get(0);
            if (scale != 1f) VectorOps.scale(pool, rows, vocab, scale, seg, base, vocab, seg, base, vocab);
            logits.accumulateGrad(work);
        }, logits);
    }

    /** One row: the log-probabilities in place become the row's gradient (times 1/count) when {@code grad}. */
    private static void row(MemorySegment seg, long off, int vocab, int t, SoftTargets soft, int r, Kind kind, float weight, float inv,
                            boolean grad, double[] ce, double[] kd) {
        if (t == CrossEntropy.IGNORE) {
            if (grad) seg.asSlice(off * 4, (long) vocab * 4).fill((byte) 0);
            return;
        }
        ce[r] = -seg.getAtIndex(F32, off + t);
        int k = soft == null ? 0 : soft.k();
        double mass = 0;
        for (int j = 0; j < k; j++) mass += soft.probs()[r * k + j];
        boolean hasSoft = kind != Kind.CE && mass > 0;
        int kk = hasSoft ? k : 0;
        double scale = mass > 1 ? 1 / mass : 1;
        double rest = Math.max(0, 1 - mass * scale);
        int[] ids = new int[kk];
        double[] p = new double[kk], logq = new double[kk];
        double qk = 0;
        for (int j = 0; j < kk; j++) {
            ids[j] = soft.ids()[r * k + j];
            p[j] = soft.probs()[r * k + j] * scale;
            logq[j] = seg.getAtIndex(F32, off + ids[j]);
            qk += Math.exp(logq[j]);
        }
        double qRest = Math.max(1e-12, 1 - qk); // floored: a float sum of q can reach 1
        double s = 0; // TV: sum_v q_v g_v
        double outside = 1; // KL: G_u / q_u outside the top-k
        if (hasSoft && kind == Kind.KL) {
            double d = rest > 0 ? rest * (Math.log(rest) - Math.log(qRest)) : 0;
            for (int j = 0; j < kk; j++) if (p[j] > 0) d += p[j] * (Math.log(p[j]) - logq[j]);
            kd[r] = d;
            outside = 1 - rest / qRest;
        } else if (hasSoft && kind == Kind.TV) {
            double abs = 0, signed = 0;
            for (int j = 0; j < kk; j++) {
                double q = Math.exp(logq[j]);
                abs += Math.abs(p[j] - q);
                signed += Math.signum(q - p[j]) * q;
            }
            double restSign = Math.signum(qRest - rest);
            kd[r] = 0.5 * (abs + Math.abs(rest - qRest));
            s = 0.5 * restSign * qRest + 0.5 * signed;
            outside = 0.5 * restSign - s;
        }
        if (!grad) return;
        // q in place (softmax of log-softmax is softmax), then a dense scale for the ids outside top-k and the
        // target, and exact values for those few ids
        Softmax.forward(WorkerPool.common(), 1, vocab, seg, off, vocab, seg, off, vocab);
        double qt = seg.getAtIndex(F32, off + t);
        double[] q = new double[kk];
        for (int j = 0; j < kk; j++) q[j] = seg.getAtIndex(F32, off + ids[j]);
        double alpha = hasSoft ? 1 + weight * outside : 1;
        VectorOps.scale(WorkerPool.common(), 1, vocab, (float) (alpha * inv), seg, off, vocab, seg, off, vocab);
        seg.setAtIndex(F32, off + t, (float) ((alpha * qt - 1) * inv));
        for (int j = 0; j < kk; j++) {
            double target = ids[j] == t ? 1 : 0;
            double g = switch (kind) {
                case KL -> (1 + weight) * q[j] - target - weight * p[j];
                case TV -> q[j] - target + weight * q[j] * (0.5 * Math.signum(q[j] - p[j]) - s);
                case CE -> q[j] - target;
            };
            seg.setAtIndex(F32, off + ids[j], (float) (g * inv));
        }
    }
}
