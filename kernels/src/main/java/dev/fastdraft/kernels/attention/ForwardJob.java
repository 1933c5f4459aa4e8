package dev.fastdraft.kernels.attention;

import dev.fastdraft.kernels.ops.Simd;
import dev.fastdraft.kernels.ops.VectorMath;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * One forward call, split into tasks of (KV head g, block of query positions, key split). A task
 * handles every query head of group g at its positions together (they share the K/V rows it
 * streams) and keeps a running max, sum and output accumulator per query row (online softmax), so
 * no score matrix larger than rows x {@value FlashAttention#BLOCK_KEYS} ever exists. With more
 * than one key split (long decode on few KV heads) tasks leave partial results that a second phase
 * merges. Reused per calling thread: the fields are rewritten by every call.
 */
final class ForwardJob implements IntConsumer {
    AttentionConfig cfg;
    int tq, pos0;
    MemorySegment q, k, v, out, lse;
    long qOff, kOff, vOff, outOff, lseOff;
    int ldq, ldk, ldv, ldo;
    int blockPositions, qBlocks, splits;
    boolean merging;
    // partial results when splits > 1: [task][row] and [task][row][hdPad]
    float[] partMax, partSum, partAcc;

    int rowsPerTask() {
        return blockPositions * cfg.groupSize();
    }

    @Override
    public void accept(int task) {
        if (merging) {
            merge(task / qBlocks, task % qBlocks);
        } else {
            int split = task % splits, rest = task / splits;
            attend(rest / qBlocks, rest % qBlocks, split, AttentionScratch.local());
        }
    }

    private void attend(int g, int qb, int split, AttentionScratch sc) {
        int r = cfg.groupSize(), hd = cfg.headDim(), hdPad = BlockMath.padded(hd);
        int t0 = qb * blockPositions, t1 = Math.min(tq, t0 + blockPositions), rows = (t1 - t0) * r;
        int bk = FlashAttention.BLOCK_KEYS;
        sc.q = AttentionScratch.fit(sc.q, (long) rows * hdPad);
        sc.acc = AttentionScratch.fit(sc.acc, (long) rows * hdPad);
        sc.s = AttentionScratch.fit(sc.s, 4L * bk);
        sc.row1 = AttentionScratch.fit(sc.row1, 4);
        sc.rowMax = AttentionScratch.fit(sc.rowMax, rows);
        sc.rowSum = AttentionScratch.fit(sc.rowSum, rows);
        float[] qs = sc.q, acc = sc.acc, s = sc.s, rowMax = sc.rowMax, rowSum = sc.rowSum, corr = sc.row1;

        for (int t = t0; t < t1; t++) {
            for (int hh = 0; hh < r; hh++) {
                int row = (t - t0) * r + hh, h = g * r + hh;
                BlockMath.loadRow(q, qOff + (long) t * ldq + (long) h * hd, hd, cfg.scale(), qs, row * hdPad);
            }
        }
        Arrays.fill(acc, 0, rows * hdPad, 0f);
        Arrays.fill(rowMax, 0, rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(rowSum, 0, rows, 0f);

        long lo = cfg.firstKey((long) pos0 + t0), hi = (long) pos0 + t1;
        long span = hi - lo, chunk = (span + splits - 1) / splits;
        chunk = (chunk + bk - 1) / bk * bk;
        long sLo = Math.min(hi, lo + split * chunk), sHi = Math.min(hi, sLo + chunk);
        long kHead = kOff + (long) g * hd, vHead = vOff + (long) g * hd;

        for (long kb = sLo; kb < sHi; kb += bk) {
            long ke = Math.min(kb + bk, sHi);
            for (int t = t0; t < t1; t++) {
                long p = (long) pos0 + t;
                int jLo = (int) Math.max(kb, cfg.firstKey(p)), jHi = (int) Math.min(ke, p + 1);
                if (jLo >= jHi) continue;
                int n = jHi - jLo, hh = 0;
                // Query heads of the group at this position share the keys: four at a time read each K/V row once.
                for (; hh + 4 <= r; hh += 4) {
                    int row = (t - t0) * r + hh;
                    BlockMath.dots4(qs, row * hdPad, hdPad, k, kHead, ldk, jLo, jHi, hd, s, 0, bk);
                    for (int q = 0; q < 4; q++) corr[q] = softmaxStep(row + q, s, q * bk, n, rowMax, rowSum);
                    BlockMath.scaleAndAccumulate4(acc, row * hdPad, hdPad, corr, s, 0, bk, n, v, vHead, ldv, jLo, hd);
                }
                for (; hh < r; hh++) {
                    int row = (t - t0) * r + hh;
                    BlockMath.dots(qs, row * hdPad, k, kHead, ldk, jLo, jHi, hd, s, 0);
                    float c = softmaxStep(row, s, 0, n, rowMax, rowSum);
                    BlockMath.scaleAndAccumulate(acc, row * hdPad, c, s, 0, n, v, vHead, ldv, jLo, hd);
                }
            }
        }

        if (splits == 1) {
            for (int t = t0; t < t1; t++) {
                for (int hh = 0; hh < r; hh++) {
                    int row = (t - t0) * r + hh;
                    finish(g * r + hh, t, acc, row * hdPad, rowMax[row], rowSum[row]);
                }
            }
        } else {
            int rpt = rowsPerTask(), task = (g * qBlocks + qb) * splits + split;
            System.arraycopy(rowMax, 0, partMax, task * rpt, rows);
            System.arraycopy(rowSum, 0, partSum, task * rpt, rows);
            System.arraycopy(acc, 0, partAcc, task * rpt * hdPad, rows * hdPad);
        }
    }

    /**
     * Online softmax for one row and one block of n scores at s[so..]: updates the row's running
     * max and sum, turns the scores into exp(score - new max) in place, and returns the factor
     * exp(old max - new max) that rescales what the row accumulated so far (0 on its first block).
     */
    private static float softmaxStep(int row, float[] s, int so, int n, float[] rowMax, float[] rowSum) {
        float mOld = rowMax[row], mNew = Math.max(mOld, BlockMath.max(s, so, n));
        float corr = VectorMath.exp(mOld - mNew);
        rowSum[row] = rowSum[row] * corr + BlockMath.expShift(s, so, n, mNew);
        rowMax[row] = mNew;
        return corr;
    }

    /** Merges the key splits of (g, qb): rescale each split's sum and accumulator to the common max. */
    private void merge(int g, int qb) {
        int r = cfg.groupSize(), hdPad = BlockMath.padded(cfg.headDim()), rpt = rowsPerTask();
        int t0 = qb * blockPositions, t1 = Math.min(tq, t0 + blockPositions), rows = (t1 - t0) * r;
        AttentionScratch sc = AttentionScratch.local();
        sc.acc2 = AttentionScratch.fit(sc.acc2, hdPad);
        float[] acc = sc.acc2;
        int first = (g * qBlocks + qb) * splits;
        for (int row = 0; row < rows; row++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int sp = 0; sp < splits; sp++) m = Math.max(m, partMax[(first + sp) * rpt + row]);
            Arrays.fill(acc, 0, hdPad, 0f);
            float sum = 0;
            for (int sp = 0; sp < splits; sp++) {
                int idx = (first + sp) * rpt + row;
                float w = VectorMath.exp(partMax[idx] - m); // 0 for a split that saw no key of this row
                if (w == 0f) continue;
                sum += partSum[idx] * w;
                int src = idx * hdPad;
                for (int c = 0; c < hdPad; c++) acc[c] += partAcc[src + c] * w;
            }
            finish(g * r + row % r, t0 + row / r, acc, 0, m, sum);
        }
    }

    private void finish(int h, int t, float[] acc, int ao, float max, float sum) {
        int hd = cfg.headDim();
        BlockMath.storeRow(acc, ao, 1f / sum, out, outOff + (long) t * ldo + (long) h * hd, hd);
        if (lse != null) Simd.set(lse, lseOff + (long) h * tq + t, max + (float) Math.log(sum));
    }
}
