package dev.fastdraft.autograd;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.attention.AttentionConfig;
import dev.fastdraft.kernels.attention.FlashAttention;

/** Causal grouped-query attention over the fused flash kernel (no T x T matrix is ever built). */
public final class Attention {
    private Attention() {}

    /**
     * Training form: q [batch*seqLen, heads*headDim], k and v [batch*seqLen, kvHeads*headDim]; each batch
     * row attends causally within itself.
     */
    public static Var causal(Var q, Var k, Var v, int batch, int seqLen, AttentionConfig cfg) {
        Tensor qt = q.value(), kt = k.value(), vt = v.value();
        int qw = cfg.nHeads() * cfg.headDim(), kw = cfg.nKvHeads() * cfg.headDim(), rows = batch * seqLen;
        check(qt, rows, qw, "q");
        check(kt, rows, kw, "k");
        check(vt, rows, kw, "v");
        int ldq = qt.rowStride("attention"), ldk = kt.rowStride("attention"), ldv = vt.rowStride("attention");
        Tensor out = Tensor.zeros(rows, qw);
        Tensor lse = Tensor.zeros(batch, cfg.nHeads() * seqLen);
        WorkerPool pool = WorkerPool.common();
        for (int b = 0; b < batch; b++) {
            long r = (long) b * seqLen;
            FlashAttention.forward(pool, cfg, seqLen, 0,
                    qt.segment(), qt.offset() + r * ldq, ldq, kt.segment(), kt.offset() + r * ldk, ldk, vt.segment(), vt.offset() + r * ldv, ldv,
                    out.segment(), r * qw, qw, lse.segment(), (long) b * cfg.nHeads() * seqLen);
        }
        return Tape.output(out, g -> {
            Tensor dOut = g.contiguousF32();
            Tensor dq = Tensor.zeros(rows, qw), dk = Tensor.zeros(rows, kw), dv = Tensor.zeros(rows, kw);
            for (int b = 0; b < batch; b++) {
                long r = (long) b * seqLen;
                FlashAttention.backward(pool, cfg, seqLen, 0,
                        qt.segment(), qt.offset() + r * ldq, ldq, kt.segment(), kt.offset() + r * ldk, ldk, vt.segment(), vt.offset() + r * ldv, ldv,
                        out.segment(), r * qw, qw, dOut.segment(), dOut.offset() + r * qw, qw,
                        lse.segment(), (long) b * cfg.nHeads() * seqLen,
                        dq.segment(), r * qw, qw, dk.segment(), r * kw, kw, dv.segment(), r * kw, kw);
            }
            if (q.requiresGrad()) q.accumulateGrad(dq);
            if (k.requiresGrad()) k.accumulateGrad(dk);
            if (v.requiresGrad()) v.accumulateGrad(dv);
        }, q, k, v);
    }

    /**
     * Inference form: appends the new keys and values (rows at positions pos0..) to the cache tensors
     * [capacity, kvHeads*headDim], then lets the new queries attend to everything cached so far.
     */
    public static Var cached(Var q, Var k, Var v, Tensor cacheK, Tensor cacheV, int pos0, AttentionConfig cfg) {
        if (Tape.recording(q, k, v)) throw new IllegalStateException("attention: the KV-cache path is for inference; run it outside a tape");
        Tensor qt = q.value(), kt = k.value(), vt = v.value();
        int tq = qt.dim(0), qw = cfg.nHeads() * cfg.headDim(), kw = cfg.nKvHeads() * cfg.headDim();
        check(qt, tq, qw, "q");
        check(kt, tq, kw, "k");
        check(vt, tq, kw, "v");
        cacheK.narrow(0, pos0, tq).copyFrom(kt);
        cacheV.narrow(0, pos0, tq).copyFrom(vt);
        int ldq = qt.rowStride("attention");
        Tensor out = Tensor.zeros(tq, qw);
        FlashAttention.forward(WorkerPool.common(), cfg, tq, pos0, qt.segment(), qt.offset(), ldq,
                cacheK.segment(), cacheK.offset(), kw, cacheV.segment(), cacheV.offset(), kw, out.segment(), 0, qw, null, 0);
        return Var.constant(out);
    }

    private static void check(Tensor t, int rows, int width, String name) {
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != width) {
            throw new IllegalArgumentException("attention: " + name + " is " + t + ", expected [" + rows + ", " + width + "]");
        }
    }
}
