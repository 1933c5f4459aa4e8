package dev.fastdraft.models.llama;

import dev.fastdraft.engine.DType;
import dev.fastdraft.kernels.convert.HalfFloats;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Fills large tensors with pseudo-random values in parallel (benchmarks of multi-GB models). */
final class RandomFill {
    private RandomFill() {}

    static void uniform(Tensor t, long seed, float bound) {
        if (!t.isContiguous()) throw new IllegalArgumentException("RandomFill: tensor must be contiguous");
        MemorySegment s = t.segment();
        long n = t.numel(), base = t.offset();
        DType d = t.dtype();
        int chunks = (int) Math.min(4096, Math.max(1, n / 65536));
        long per = (n + chunks - 1) / chunks;
        WorkerPool.common().parallelFor(chunks, c -> {
            long from = c * per, to = Math.min(n, from + per);
            long x = seed * 0x9E3779B97F4A7C15L + c * 0xBF58476D1CE4E5B9L + 1;
            for (long i = from; i < to; i++) {
                x ^= x << 13; x ^= x >>> 7; x ^= x << 17; // xorshift64
                float v = ((x >>> 40) * 0x1p-24f * 2f - 1f) * bound;
                long e = base + i;
                switch (d) {
                    case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, e, v);
                    case BF16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, e, HalfFloats.floatToBf16(v));
                    case F16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, e, Float.floatToFloat16(v));
                }
            }
        });
    }
}
