package dev.fastdraft.pipeline.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import org.junit.jupiter.api.Test;

/** Training settings that cannot make a sensible run are refused when the config is made. */
class TrainConfigTest {
    static TrainConfig config(double lr, long steps, int checkpointEvery) {
        return new TrainConfig(16, 2, 1, steps, new LrSchedule.WarmupCosine(lr, 1, steps, lr / 10), new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1),
                1.0, "shuffled", 1234, 1, 8, checkpointEvery);
    }

    @Test
    void invalidRatesAndIntervalsAreRefused() {
        var lr = assertThrows(IllegalArgumentException.class, () -> config(-1, 10, 0));
        assertEquals("--lr must be a finite number > 0, got -1", lr.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config(Double.NaN, 10, 0));
        var floor = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(16, 2, 1, 10, new LrSchedule.WarmupCosine(1e-3, 1, 10, 1),
                AdamW.Hyper.defaults(), 1.0, "shuffled", 1, 1, 8, 0));
        assertEquals("--min-lr must be between 0 and --lr (0.001), got 1", floor.getMessage());
        var every = assertThrows(IllegalArgumentException.class, () -> config(1e-3, 10, -1));
        assertEquals("--checkpoint-every must be >= 0 (0: only the final model), got -1", every.getMessage());
    }
}
