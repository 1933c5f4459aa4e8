package dev.fastdraft.pipeline.train;

import java.util.SplittableRandom;

/**
 * Which window of the token file each batch row reads. Windows are [o, o+T] with o a multiple of T, so
 * sequential order reproduces the documented layout: step s, row b reads from o = (s*B + b)*T.
 * Shuffled order visits every window once per epoch in a permutation fixed by the seed and the epoch,
 * so a resumed run reads exactly what an uninterrupted one would have.
 */
public sealed interface DataOrder {
    /** Start offset (in tokens) of the window for global row index {@code row} (step*rowsPerStep + r). */
    long offset(long row);

    static DataOrder of(String name, long tokens, int seqLen, long seed) {
        long windows = (tokens - 1) / seqLen;
        if (windows < 1) throw new IllegalArgumentException("data: " + tokens + " tokens do not hold one window of seq-len " + seqLen + " + 1");
        return switch (name) {
            case "sequential" -> new Sequential(windows, seqLen);
            case "shuffled" -> new Shuffled(windows, seqLen, seed);
            default -> throw new IllegalArgumentException("--data-order must be 'sequential' or 'shuffled', got '" + name + "'");
        };
    }

    /** Wraps around at the end of the data (a new epoch). */
    record Sequential(long windows, int seqLen) implements DataOrder {
        public long offset(long row) {
            return (row % windows) * seqLen;
        }
    }

    record Shuffled(long windows, int seqLen, long seed) implements DataOrder {
        public long offset(long row) {
            long epoch = row / windows, i = row % windows;
            return permute(i, epoch) * seqLen;
        }

        /**
         * A bijection on [0, windows) without materialising a permutation: cycle-walking over a
         * 4-round Feistel network keyed by (seed, epoch), so huge corpora cost no memory.
         */
        private long permute(long i, long epoch) {
            int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(windows - 1));
            if ((bits & 1) == 1) bits++;
            int half = bits / 2;
            long mask = (1L << half) - 1;
            long[] keys = new long[4];
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int k = 0; k < 4; k++) keys[k] = r.nextLong();
            long x = i;
            do {
                long left = x >>> half, right = x & mask;
                for (int k = 0; k < 4; k++) {
                    long f = mix(right ^ keys[k]) & mask;
                    long nl = right;
                    right = left ^ f;
                    left = nl;
                }
                x = (left << half) | right;
            } while (x >= windows);
            return x;
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
