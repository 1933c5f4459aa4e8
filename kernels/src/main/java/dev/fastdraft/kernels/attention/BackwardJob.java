package dev.fastdraft.kernels.attention;

import dev.fastdraft.kernels.ops.Simd;
import dev.fastdraft.kernels.ops.VectorOps;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * One backward call in three phases, each race-free without locks:
 * <ol>
 *   <li>DELTA: D[h][t] = dOut . out per query row (FlashAttention-2's rowsum(dO * O)).</li>
 *   <li>KEYS: tasks own (KV head, block of keys) and sum, over every query row of the group's heads
 *       that sees those keys, dV_j += P_ij dO_i and dK_j += dS_ij * scale * q_i, with
 *       P_ij = exp(s_ij - lse_i) recomputed and dS_ij = P_ij (dO_i . v_j - D_i); each task adds
 *       its block into dk/dv once, so several query heads sharing a KV head never collide.</li>
 *   <li>QUERIES: tasks own (head, block of query rows) and write dq_i = scale * sum_j dS_ij k_j.</li>
 * </ol>
 * Scores are recomputed in both of the last two phases (two extra dot products per pair) in
 * exchange for no atomics, no per-thread copies of dk/dv, and results independent of the thread count.
 */
final class BackwardJob implements IntConsumer {
    static final int DELTA = 0, KEYS = 1, QUERIES = 2;
    static final int QUERY_BLOCK = 16;

    AttentionConfig cfg;
    int tq, pos0, phase;
    MemorySegment q, k, v, out, dOut, lse, dq, dk, dv;
    long qOff, kOff, vOff, outOff, dOutOff, lseOff, dqOff, dkOff, dvOff;
    int ldq, ldk, ldv, ldo, lddo, lddq, lddk, lddv;
    int keyBlocks, queryBlocks;
    float[] delta;

    @Override
    public void accept(int task) {
        switch (phase) {
            case DELTA -> delta(task);
            case KEYS -> keys(task / keyBlocks, task % keyBlocks, AttentionScratch.local());
            default -> queries(task / queryBlocks, task % queryBlocks, AttentionScratch.local());
        }
    }

    /** Task = head; all its query rows. */
    private void delta(int h) {
        int hd = cfg.headDim();
        for (int t = 0; t < tq; t++) {
            long o = (long) h * hd;
            delta[h * tq + t] = (float) VectorOps.dot(hd, dOut, dOutOff + (long) t * lddo + o, out, outOff + (long) t * ldo + o);
        }
    }

    private void keys(int g, int kbIndex, AttentionScratch sc) {
        int r = cfg.groupSize(), hd = cfg.headDim(), hdPad = BlockMath.padded(hd), bk = FlashAttention.BLOCK_KEYS;
        int j0 = kbIndex * bk, j1 = Math.min(pos0 + tq, j0 + bk), nk = j1 - j0;
        sc.acc = AttentionScratch.fit(sc.acc, (long) bk * hdPad);   // dK block
        sc.acc2 = AttentionScratch.fit(sc.acc2, (long) bk * hdPad); // dV block
        sc.row1 = AttentionScratch.fit(sc.row1, hdPad);             // scaled q row
        sc.row2 = AttentionScratch.fit(sc.row2, hdPad);             // dO row
        sc.s = AttentionScratch.fit(sc.s, bk);
        sc.s2 = AttentionScratch.fit(sc.s2, bk);
        float[] dkAcc = sc.acc, dvAcc = sc.acc2, qRow = sc.row1, doRow = sc.row2, p = sc.s, ds = sc.s2;
        Arrays.fill(dkAcc, 0, nk * hdPad, 0f);
        Arrays.fill(dvAcc, 0, nk * hdPad, 0f);
        long kHead = kOff + (long) g * hd, vHead = vOff + (long) g * hd;

        // Query rows that see a key of [j0, j1): position >= j0 and, with a window, first key < j1.
        int tLo = Math.max(0, j0 - pos0);
        int tHi = cfg.window() > 0 ? (int) Math.min(tq, (long) j1 - 1 + cfg.window() - pos0) : tq;
        for (int t = tLo; t < tHi; t++) {
            long pos = (long) pos0 + t;
            int jLo = (int) Math.max(j0, cfg.firstKey(pos)), jHi = (int) Math.min(j1, pos + 1);
            if (jLo >= jHi) continue;
            int n = jHi - jLo, at = jLo - j0;
            for (int hh = 0; hh < r; hh++) {
                int h = g * r + hh;
                float rowLse = Simd.get(lse, lseOff + (long) h * tq + t), d = delta[h * tq + t];
                BlockMath.loadRow(q, qOff + (long) t * ldq + (long) h * hd, hd, cfg.scale(), qRow, 0);
                BlockMath.loadRow(dOut, dOutOff + (long) t * lddo + (long) h * hd, hd, 1f, doRow, 0);
                probabilitiesAndScoreGrads(qRow, doRow, kHead, vHead, jLo, jHi, rowLse, d, p, ds);
                BlockMath.addScaledRows(dvAcc, at * hdPad, hdPad, p, 0, n, doRow, 0);
                BlockMath.addScaledRows(dkAcc, at * hdPad, hdPad, ds, 0, n, qRow, 0);
            }
        }
        for (int j = 0; j < nk; j++) {
            BlockMath.addRow(dkAcc, j * hdPad, dk, dkOff + (long) (j0 + j) * lddk + (long) g * hd, hd);
            BlockMath.addRow(dvAcc, j * hdPad, dv, dvOff + (long) (j0 + j) * lddv + (long) g * hd, hd);
        }
    }

    private void queries(int h, int qbIndex, AttentionScratch sc) {
        int r = cfg.groupSize(), g = h / r, hd = cfg.headDim(), hdPad = BlockMath.padded(hd), bk = FlashAttention.BLOCK_KEYS;
        sc.acc = AttentionScratch.fit(sc.acc, hdPad);
        sc.row1 = AttentionScratch.fit(sc.row1, hdPad);
        sc.row2 = AttentionScratch.fit(sc.row2, hdPad);
        sc.s = AttentionScratch.fit(sc.s, bk);
        sc.s2 = AttentionScratch.fit(sc.s2, bk);
        float[] dqAcc = sc.acc, qRow = sc.row1, doRow = sc.row2, p = sc.s, ds = sc.s2;
        long kHead = kOff + (long) g * hd, vHead = vOff + (long) g * hd;
        int t0 = qbIndex * QUERY_BLOCK, t1 = Math.min(tq, t0 + QUERY_BLOCK);
        for (int t = t0; t < t1; t++) {
            long pos = (long) pos0 + t;
            float rowLse = Simd.get(lse, lseOff + (long) h * tq + t), d = delta[h * tq + t];
            BlockMath.loadRow(q, qOff + (long) t * ldq + (long) h * hd, hd, cfg.scale(), qRow, 0);
            BlockMath.loadRow(dOut, dOutOff + (long) t * lddo + (long) h * hd, hd, 1f, doRow, 0);
            Arrays.fill(dqAcc, 0, hdPad, 0f);
            for (long kb = cfg.firstKey(pos); kb <= pos; kb += bk) {
                int jLo = (int) kb, jHi = (int) Math.min(kb + bk, pos + 1);
                probabilitiesAndScoreGrads(qRow, doRow, kHead, vHead, jLo, jHi, rowLse, d, p, ds);
                BlockMath.accumulateRows(dqAcc, 0, ds, 0, jHi - jLo, k, kHead, ldk, jLo, hd);
            }
            BlockMath.storeRow(dqAcc, 0, cfg.scale(), dq, dqOff + (long) t * lddq + (long) h * hd, hd);
        }
    }

    /** p[j] = exp(s_j - lse), ds[j] = p[j] * (dO . v_j - D) for keys [jLo, jHi). */
    private void probabilitiesAndScoreGrads(float[] qRow, float[] doRow, long kHead, long vHead, int jLo, int jHi,
                                            float rowLse, float d, float[] p, float[] ds) {
        int hd = cfg.headDim(), n = jHi - jLo;
        BlockMath.dots(qRow, 0, k, kHead, ldk, jLo, jHi, hd, p, 0);
        BlockMath.expShift(p, 0, n, rowLse);
        BlockMath.dots(doRow, 0, v, vHead, ldv, jLo, jHi, hd, ds, 0);
        for (int j = 0; j < n; j++) ds[j] = p[j] * (ds[j] - d);
    }
}
