package dev.fastdraft.kernels.attention;

import dev.fastdraft.kernels.ops.Simd;
import dev.fastdraft.kernels.ops.VectorMath;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * One forward call, split into tasks of (range of KV heads, block of query positions, key split).
 * A task keeps a running max, sum and output accumulator per query row (online softmax) while it
 * streams blocks of {@value FlashAttention#BLOCK_KEYS} keys, so no score matrix larger than that
 * ever exists.
 *
 * <p>Prompts use one KV head per task: the block's query rows reuse each K/V block many times. So do
 * decode and short appends over a short cache: the heads are the parallel work. Over a long cache
 * ({@value FlashAttention#ALL_HEADS_MIN_KEYS} keys or more) they use all KV heads per task, in blocks of
 * {@value FlashAttention#BLOCK_KEYS_ALL_HEADS} keys, and split the keys across tasks instead: a
 * block's cache rows (all heads, contiguous) are then read once from memory and served from L1 to
 * each head. Walking one head's slice down the whole cache strides through memory a page per row
 * or two and measured 2.5x slower at 4096 positions than the same work on head-major data. Partial results of key splits are merged in a second phase. Reused per calling
 * thread: every call rewrites the fields.
 */
final class ForwardJob implements IntConsumer {
    AttentionConfig cfg;
    int tq, pos0;
    MemorySegment q, k, v, out, lse;
    long qOff, kOff, vOff, outOff, lseOff;
    int ldq, ldk, ldv, ldo;
    int blockPositions, qBlocks, headsPerTask, splits;
    boolean merging;
    // partial results when splits > 1: [task][row] and [task][row][hdPad]
    float[] partMax, partSum, partAcc;

    int rowsPerTask() {
        return headsPerTask * blockPositions * cfg.groupSize();
    }

    int baseTasks() {
        return cfg.nKvHeads() / headsPerTask * qBlocks;
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

    /** Row index in a task's scratch of (KV head g0 + gi, position t0 + ti, head hh of the group). */
    private int row(int gi, int ti, int hh, int nt) {
        return (gi * nt + ti) * cfg.groupSize() + hh;
    }

    private void attend(int headGroup, int qb, int split, AttentionScratch sc) {
        int r = cfg.groupSize(), hd = cfg.headDim(), hdPad = BlockMath.padded(hd);
        // With all heads in one task, a short key block keeps the cache rows it spans (all heads) in L1.
        int bk = headsPerTask > 1 ? FlashAttention.BLOCK_KEYS_ALL_HEADS : FlashAttention.BLOCK_KEYS;
        int g0 = headGroup * headsPerTask;
        int t0 = qb * blockPositions, t1 = Math.min(tq, t0 + blockPositions), nt = t1 - t0, rows = headsPerTask * nt * r;
        sc.q = AttentionScratch.fit(sc.q, (long) rows * hdPad);
        sc.acc = AttentionScratch.fit(sc.acc, (long) rows * hdPad);
        sc.s = AttentionScratch.fit(sc.s, 4L * bk);
        sc.row1 = AttentionScratch.fit(sc.row1, 4);
        sc.rowMax = AttentionScratch.fit(sc.rowMax, rows);
        sc.rowSum = AttentionScratch.fit(sc.rowSum, rows);
        float[] qs = sc.q, acc = sc.acc, s = sc.s, rowMax = sc.rowMax, rowSum = sc.rowSum, corr = sc.row1;

        for (int gi = 0; gi < headsPerTask; gi++) {
            for (int t = t0; t < t1; t++) {
                for (int hh = 0; hh < r; hh++) {
                    int h = (g0 + gi) * r + hh;
                    BlockMath.loadRow(q, qOff + (long) t * ldq + (long) h * hd, hd, cfg.scale(), qs, row(gi, t - t0, hh, nt) * hdPad);
                }
            }
        }
        Arrays.fill(acc, 0, rows * hdPad, 0f);
        Arrays.fill(rowMax, 0, rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(rowSum, 0, rows, 0f);

        long lo = cfg.firstKey((long) pos0 + t0), hi = (long) pos0 + t1;
        long span = hi - lo, chunk = (span + splits - 1) / splits;
        chunk = (chunk + FlashAttention.BLOCK_KEYS - 1) / FlashAttention.BLOCK_KEYS * FlashAttention.BLOCK_KEYS;
        long sLo = Math.min(hi, lo + split * chunk), sHi = Math.min(hi, sLo + chunk);

        for (long kb = sLo; kb < sHi; kb += bk) {
            long ke = Math.min(kb + bk, sHi);
            for (int gi = 0; gi < headsPerTask; gi++) {
                long kHead = kOff + (long) (g0 + gi) * hd, vHead = vOff + (long) (g0 + gi) * hd;
                for (int t = t0; t < t1; t++) {
                    long p = (long) pos0 + t;
                    int jLo = (int) Math.max(kb, cfg.firstKey(p)), jHi = (int) Math.min(ke, p + 1);
                    if (jLo >= jHi) continue;
                    int n = jHi - jLo, hh = 0;
                    // Query heads of the group at this position share the keys: four at a time read each K/V row once.
                    for (; hh + 4 <= r; hh += 4) {
                        int row = row(gi, t - t0, hh, nt);
                        BlockMath.dots4(qs, row * hdPad, hdPad, k, kHead, ldk, jLo, jHi, hd, s, 0, bk);
                        for (int qi = 0; qi < 4; qi++) corr[qi] = softmaxStep(row + qi, s, qi * bk, n, rowMax, rowSum);
                        BlockMath.scaleAndAccumulate4(acc, row * hdPad, hdPad, corr, s, 0, bk, n, v, vHead, ldv, jLo, hd);
                    }
                    for (; hh < r; hh++) {
                        int row = row(gi, t - t0, hh, nt);
                        BlockMath.dots(qs, row * hdPad, k, kHead, ldk, jLo, jHi, hd, s, 0);
                        float c = softmaxStep(row, s, 0, n, rowMax, rowSum);
                        BlockMath.scaleAndAccumulate(acc, row * hdPad, c, s, 0, n, v, vHead, ldv, jLo, hd);
                    }
                }
            }
        }

        if (splits == 1) {
            for (int row = 0; row < rows; row++) finish(g0, t0, nt, row, acc, row * hdPad, rowMax[row], rowSum[row]);
        } else {
            int rpt = rowsPerTask(), task = (headGroup * qBlocks + qb) * splits + split;
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

    /** Merges the key splits of one (head range, query block): rescale each split's sum and accumulator to the common max. */
    private void merge(int headGroup, int qb) {
        int hdPad = BlockMath.padded(cfg.headDim()), rpt = rowsPerTask();
        int t0 = qb * blockPositions, t1 = Math.min(tq, t0 + blockPositions), nt = t1 - t0;
        int rows = headsPerTask * nt * cfg.groupSize();
        AttentionScratch sc = AttentionScratch.local();
        sc.acc2 = AttentionScratch.fit(sc.acc2, hdPad);
        float[] acc = sc.acc2;
        int first = (headGroup * qBlocks + qb) * splits;
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
            finish(headGroup * headsPerTask, t0, nt, row, acc, 0, m, sum);
        }
    }

    /** Writes row (of a task starting at KV head g0 and position t0) to out and lse. */
    private void finish(int g0, int t0, int nt, int row, float[] acc, int ao, float max, float sum) {
        int r = cfg.groupSize(), hd = cfg.headDim();
        int gi = row / (nt * r), rem = row % (nt * r), t = t0 + rem / r, h = (g0 + gi) * r + rem % r;
        BlockMath.storeRow(acc, ao, 1f / sum, out, outOff + (long) t * ldo + (long) h * hd, hd);
        if (lse != null) Simd.set(lse, lseOff + (long) h * tq + t, max + (float) Math.log(sum));
    }
}
