package dev.fastdraft.kernels.attention;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.OpChecks;
import java.lang.foreign.MemorySegment;

/**
 * Fused causal attention with grouped KV heads, for a whole prompt and for appending queries to a
 * KV cache, forward and backward, never materialising a T x T score matrix.
 *
 * <p>Layouts (floats, row-major, row strides in elements):
 * <ul>
 *   <li>q, out, dOut, dq: [tq x nHeads*headDim], row t is the query at absolute position pos0 + t;</li>
 *   <li>k, v, dk, dv: [pos0 + tq x nKvHeads*headDim], row j is position j (cache plus new rows);</li>
 *   <li>lse: [nHeads x tq] contiguous, the natural log of sum_j exp(scale * q.k_j) per query row.</li>
 * </ul>
 * Query t of head h attends keys j with firstKey(pos0 + t) <= j <= pos0 + t (see
 * {@link AttentionConfig#window}), so every row sees at least its own key and is never empty.
 * Scores are computed as (scale * q) . k in float32; probabilities with {@code VectorMath.exp}.
 *
 * <p>A {@code null} pool runs on the calling thread. Per-thread scratch is reused, so steady-state
 * calls allocate nothing beyond what the pool's dispatch allocates itself.
 */
public final class FlashAttention {
    /** Keys per block: the score row of one block stays in L1 next to the K/V rows it came from. */
    static final int BLOCK_KEYS = 64;
    /** Keys per block when one task covers all heads: 16 cache rows of a small model stay in L1. */
    static final int BLOCK_KEYS_ALL_HEADS = 16;
    /** Query rows (heads of a group x positions) per task: enough to reuse each K/V block from cache. */
    static final int BLOCK_ROWS = 64;
    /** A key split shorter than this costs more to dispatch and merge than it saves. */
    static final int MIN_SPLIT_KEYS = 128;
    /** Query rows (positions x heads) up to which one task takes all heads (see {@link ForwardJob}). */
    static final int SMALL_QUERY_ROWS = 256;
    /**
     * Keys from which those tasks take all heads. Below it, one KV head per task is faster: the heads give
     * the threads work without splitting the keys and merging the parts. Decoding 1 and 6 positions of
     * 8 heads over 4 KV heads, and of 32 over 8, at 64 to 512 cached positions took 25-65% less time
     * that way; at 1024 the two were even, and at 2048 all heads per task won for 8 / 4.
     */
    static final int ALL_HEADS_MIN_KEYS = 1024;
    /** Below this many multiply-adds a call runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1 << 16;

    private FlashAttention() {}

    /** Forward: writes out (and lse when not null). */
    public static void forward(WorkerPool pool, AttentionConfig cfg, int tq, int pos0,
                               MemorySegment q, long qOff, int ldq,
                               MemorySegment k, long kOff, int ldk,
                               MemorySegment v, long vOff, int ldv,
                               MemorySegment out, long outOff, int ldo,
                               MemorySegment lse, long lseOff) {
        String op = "attention";
        checkCommon(op, cfg, tq, pos0);
        int qWidth = cfg.nHeads() * cfg.headDim(), kvWidth = cfg.nKvHeads() * cfg.headDim(), tk = pos0 + tq;
        OpChecks.rows(op, "q", q, qOff, tq, qWidth, ldq);
        OpChecks.rows(op, "k", k, kOff, tk, kvWidth, ldk);
        OpChecks.rows(op, "v", v, vOff, tk, kvWidth, ldv);
        OpChecks.rows(op, "out", out, outOff, tq, qWidth, ldo);
        if (lse != null) OpChecks.vector(op, "lse", lse, lseOff, (long) cfg.nHeads() * tq);
        if (tq == 0) return;

        AttentionScratch sc = AttentionScratch.local();
        ForwardJob job = sc.forward;
        job.cfg = cfg;
        job.tq = tq;
        job.pos0 = pos0;
        job.q = q; job.qOff = qOff; job.ldq = ldq;
        job.k = k; job.kOff = kOff; job.ldk = ldk;
        job.v = v; job.vOff = vOff; job.ldv = ldv;
        job.out = out; job.outOff = outOff; job.ldo = ldo;
        job.lse = lse; job.lseOff = lseOff;
        job.headsPerTask = headsPerTask(cfg, tq, pos0);
        job.blockPositions = blockPositions(cfg, tq, pos0);
        job.qBlocks = (tq + job.blockPositions - 1) / job.blockPositions;
        int base = job.baseTasks();

        boolean parallel = worthParallel(pool, cfg, tq, pos0);
        int splits = keySplits(parallel ? pool : null, cfg, tq, pos0);
        job.splits = splits;
        job.merging = false;
        if (splits > 1) {
            int rpt = job.rowsPerTask(), tasks = base * splits;
            sc.partMax = AttentionScratch.fit(sc.partMax, (long) tasks * rpt);
            sc.partSum = AttentionScratch.fit(sc.partSum, (long) tasks * rpt);
            sc.partAcc = AttentionScratch.fit(sc.partAcc, (long) tasks * rpt * BlockMath.padded(cfg.headDim()));
            job.partMax = sc.partMax;
            job.partSum = sc.partSum;
            job.partAcc = sc.partAcc;
        }
        try {
            run(parallel ? pool : null, base * splits, job);
            if (splits > 1) {
                job.merging = true;
                run(pool, base, job);
            }
        } finally {
            clear(job);
        }
    }

    /**
     * Backward: from dOut and the forward's q, k, v, out and lse, OVERWRITES dq and ADDS into dk and
     * dv (the caller zeroes them, or accumulates over micro-batches; several query heads share each
     * KV head). dk/dv rows below pos0 (the cache) receive their gradients too.
     */
    public static void backward(WorkerPool pool, AttentionConfig cfg, int tq, int pos0,
                                MemorySegment q, long qOff, int ldq,
                                MemorySegment k, long kOff, int ldk,
                                MemorySegment v, long vOff, int ldv,
                                MemorySegment out, long outOff, int ldo,
                                MemorySegment dOut, long dOutOff, int lddo,
                                MemorySegment lse, long lseOff,
                                MemorySegment dq, long dqOff, int lddq,
                                MemorySegment dk, long dkOff, int lddk,
                                MemorySegment dv, long dvOff, int lddv) {
        String op = "attentionBackward";
        checkCommon(op, cfg, tq, pos0);
        int qWidth = cfg.nHeads() * cfg.headDim(), kvWidth = cfg.nKvHeads() * cfg.headDim(), tk = pos0 + tq;
        OpChecks.rows(op, "q", q, qOff, tq, qWidth, ldq);
        OpChecks.rows(op, "k", k, kOff, tk, kvWidth, ldk);
        OpChecks.rows(op, "v", v, vOff, tk, kvWidth, ldv);
        OpChecks.rows(op, "out", out, outOff, tq, qWidth, ldo);
        OpChecks.rows(op, "dOut", dOut, dOutOff, tq, qWidth, lddo);
        OpChecks.vector(op, "lse", lse, lseOff, (long) cfg.nHeads() * tq);
        OpChecks.rows(op, "dq", dq, dqOff, tq, qWidth, lddq);
        OpChecks.rows(op, "dk", dk, dkOff, tk, kvWidth, lddk);
        OpChecks.rows(op, "dv", dv, dvOff, tk, kvWidth, lddv);
        if (tq == 0) return;

        AttentionScratch sc = AttentionScratch.local();
        BackwardJob job = sc.backward;
        job.cfg = cfg;
        job.tq = tq;
        job.pos0 = pos0;
        job.q = q; job.qOff = qOff; job.ldq = ldq;
        job.k = k; job.kOff = kOff; job.ldk = ldk;
        job.v = v; job.vOff = vOff; job.ldv = ldv;
        job.out = out; job.outOff = outOff; job.ldo = ldo;
        job.dOut = dOut; job.dOutOff = dOutOff; job.lddo = lddo;
        job.lse = lse; job.lseOff = lseOff;
        job.dq = dq; job.dqOff = dqOff; job.lddq = lddq;
        job.dk = dk; job.dkOff = dkOff; job.lddk = lddk;
        job.dv = dv; job.dvOff = dvOff; job.lddv = lddv;
        sc.delta = AttentionScratch.fit(sc.delta, (long) cfg.nHeads() * tq);
        job.delta = sc.delta;
        job.keyBlocks = (tk + BLOCK_KEYS - 1) / BLOCK_KEYS;
        job.queryBlocks = (tq + BackwardJob.QUERY_BLOCK - 1) / BackwardJob.QUERY_BLOCK;
        WorkerPool p = worthParallel(pool, cfg, tq, pos0) ? pool : null;

        try {
            job.phase = BackwardJob.DELTA;
            run(p, cfg.nHeads(), job);
            job.phase = BackwardJob.KEYS;
            run(p, cfg.nKvHeads() * job.keyBlocks, job);
            job.phase = BackwardJob.QUERIES;
            run(p, cfg.nHeads() * job.queryBlocks, job);
        } finally {
            clear(job);
        }
    }

    /**
     * All KV heads per task when the query rows of all heads fit one block (decode, short appends) and the
     * cache is long, else one.
     */
    static int headsPerTask(AttentionConfig cfg, int tq, int pos0) {
        long tk = (long) pos0 + tq, keys = cfg.window() > 0 ? Math.min(cfg.window(), tk) : tk;
        return (long) tq * cfg.nHeads() <= SMALL_QUERY_ROWS && keys >= ALL_HEADS_MIN_KEYS ? cfg.nKvHeads() : 1;
    }

    static int blockPositions(AttentionConfig cfg, int tq, int pos0) {
        if (headsPerTask(cfg, tq, pos0) > 1) return tq;
        return Math.max(1, Math.min(tq, BLOCK_ROWS / cfg.groupSize()));
    }

    static boolean worthParallel(WorkerPool pool, AttentionConfig cfg, int tq, int pos0) {
        long tk = (long) pos0 + tq, keysPerRow = cfg.window() > 0 ? Math.min(cfg.window(), tk) : tk;
        return pool != null && pool.threads() > 1 && (long) tq * cfg.nHeads() * keysPerRow * cfg.headDim() >= MIN_PARALLEL_WORK;
    }

    /**
     * Key splits per (head range, query block) task: 1 unless there are fewer such tasks than
     * threads (always so for decode, whose one task covers all heads), then enough to give each
     * thread about two tasks, each of at least {@link #MIN_SPLIT_KEYS} keys.
     */
    static int keySplits(WorkerPool pool, AttentionConfig cfg, int tq, int pos0) {
        if (pool == null) return 1;
        int hpt = headsPerTask(cfg, tq, pos0), bq = blockPositions(cfg, tq, pos0);
        int base = cfg.nKvHeads() / hpt * ((tq + bq - 1) / bq);
        if (base >= pool.threads()) return 1;
        long tk = (long) pos0 + tq, keysPerRow = cfg.window() > 0 ? Math.min(cfg.window(), tk) : tk;
        long span = Math.min(tk, bq + keysPerRow); // keys one query block spans, at most
        int want = (2 * pool.threads() + base - 1) / base;
        return (int) Math.max(1, Math.min(want, span / MIN_SPLIT_KEYS));
    }

    private static void checkCommon(String op, AttentionConfig cfg, int tq, int pos0) {
        if (cfg == null) throw OpChecks.fail(op, "config is null");
        if (tq < 0 || pos0 < 0) throw OpChecks.fail(op, "need tq >= 0 and pos0 >= 0, got tq=" + tq + ", pos0=" + pos0);
        if ((long) pos0 + tq > Integer.MAX_VALUE) throw OpChecks.fail(op, "pos0 + tq overflows: " + pos0 + " + " + tq);
    }

    private static void run(WorkerPool pool, int tasks, java.util.function.IntConsumer job) {
        if (pool == null || tasks == 1) {
            for (int t = 0; t < tasks; t++) job.accept(t);
        } else {
            pool.parallelFor(tasks, job);
        }
    }

    /** Drop references to the caller's buffers so scratch does not keep them alive. */
    private static void clear(ForwardJob job) {
        job.q = job.k = job.v = job.out = job.lse = null;
        job.partMax = job.partSum = job.partAcc = null;
    }

    private static void clear(BackwardJob job) {
        job.q = job.k = job.v = job.out = job.dOut = job.lse = job.dq = job.dk = job.dv = null;
        job.delta = null;
    }
}
