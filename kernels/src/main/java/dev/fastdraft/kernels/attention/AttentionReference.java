package dev.fastdraft.kernels.attention;

/**
 * Naive causal GQA attention in double precision with the whole score matrix materialised, on
 * contiguous arrays: q, out, dOut, dq [tq x nHeads*headDim]; k, v, dk, dv [pos0+tq x nKvHeads*headDim];
 * lse [nHeads x tq]. The ground truth for {@link FlashAttention}.
 */
public final class AttentionReference {
    private AttentionReference() {}

    /** Softmax probabilities [tq x tk] of head h, zero where masked. */
    public static double[][] probabilities(AttentionConfig cfg, int tq, int pos0, double[] q, double[] k, int h, double[] lseOut) {
        int hd = cfg.headDim(), tk = pos0 + tq, g = h / cfg.groupSize();
        int qw = cfg.nHeads() * hd, kw = cfg.nKvHeads() * hd;
        double[][] p = new double[tq][tk];
        for (int t = 0; t < tq; t++) {
            long pos = (long) pos0 + t;
            double max = Double.NEGATIVE_INFINITY;
            double[] s = new double[tk];
            for (int j = 0; j < tk; j++) {
                if (j > pos || j < cfg.firstKey(pos)) {
                    s[j] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double dot = 0;
                for (int d = 0; d < hd; d++) dot += q[t * qw + h * hd + d] * k[j * kw + g * hd + d];
                s[j] = dot * cfg.scale();
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < tk; j++) sum += Math.exp(s[j] - max);
            for (int j = 0; j < tk; j++) p[t][j] = Math.exp(s[j] - max) / sum;
            if (lseOut != null) lseOut[h * tq + t] = max + Math.log(sum);
        }
        return p;
    }

    public static void forward(AttentionConfig cfg, int tq, int pos0, double[] q, double[] k, double[] v, double[] out, double[] lse) {
        int hd = cfg.headDim(), tk = pos0 + tq, qw = cfg.nHeads() * hd, kw = cfg.nKvHeads() * hd;
        for (int h = 0; h < cfg.nHeads(); h++) {
            int g = h / cfg.groupSize();
            double[][] p = probabilities(cfg, tq, pos0, q, k, h, lse);
            for (int t = 0; t < tq; t++) {
                for (int d = 0; d < hd; d++) {
                    double o = 0;
                    for (int j = 0; j < tk; j++) o += p[t][j] * v[j * kw + g * hd + d];
                    out[t * qw + h * hd + d] = o;
                }
            }
        }
    }

    /** Analytic gradients of sum(out * dOut): dq overwritten, dk and dv accumulated. */
    public static void backward(AttentionConfig cfg, int tq, int pos0, double[] q, double[] k, double[] v, double[] dOut,
                                double[] dq, double[] dk, double[] dv) {
        int hd = cfg.headDim(), tk = pos0 + tq, qw = cfg.nHeads() * hd, kw = cfg.nKvHeads() * hd;
        java.util.Arrays.fill(dq, 0, tq * qw, 0);
        for (int h = 0; h < cfg.nHeads(); h++) {
            int g = h / cfg.groupSize();
            double[][] p = probabilities(cfg, tq, pos0, q, k, h, null);
            for (int t = 0; t < tq; t++) {
                double[] dp = new double[tk];
                double rowDot = 0;
                for (int j = 0; j < tk; j++) {
                    double s = 0;
                    for (int d = 0; d < hd; d++) s += dOut[t * qw + h * hd + d] * v[j * kw + g * hd + d];
                    dp[j] = s;
                    rowDot += p[t][j] * s;
                }
                for (int j = 0; j < tk; j++) {
                    double ds = p[t][j] * (dp[j] - rowDot) * cfg.scale();
                    for (int d = 0; d < hd; d++) {
                        dq[t * qw + h * hd + d] += ds * k[j * kw + g * hd + d];
                        dk[j * kw + g * hd + d] += ds * q[t * qw + h * hd + d];
                        dv[j * kw + g * hd + d] += p[t][j] * dOut[t * qw + h * hd + d];
                    }
                }
            }
        }
    }
}
