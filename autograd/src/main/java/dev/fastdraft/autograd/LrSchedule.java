package dev.fastdraft.autograd;

/** Learning-rate schedules; {@code step} counts from 0. */
public sealed interface LrSchedule {
    double lr(long step);

    record Constant(double lr) implements LrSchedule {
        public double lr(long step) {
            return lr;
        }
    }

    /** Linear warm-up from lr/warmup to lr over {@code warmup} steps, then cosine decay to {@code floor} at {@code total}. */
    record WarmupCosine(double peak, long warmup, long total, double floor) implements LrSchedule {
        public WarmupCosine {
            if (warmup < 0 || total <= 0 || warmup > total) throw new IllegalArgumentException("WarmupCosine: need 0 <= warmup <= total, total > 0; got warmup " + warmup + ", total " + total);
        }

        public double lr(long step) {
            if (step < warmup) return peak * (step + 1) / warmup;
            if (total == warmup) return floor;
            double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
            return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }
}
