package dev.fastdraft.pipeline.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.checkpoint.SafeTensors;
import dev.fastdraft.models.checkpoint.SafeTensorsWriter;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --resume names the option that differs from the checkpoint's, and says what an interruption leaves. */
class TrainerCheckpointTest {
    @TempDir
    Path dir;

    static TrainConfig config(double lr, long steps, int checkpointEvery) {
        return new TrainConfig(16, 2, 1, steps, new LrSchedule.WarmupCosine(lr, 1, steps, lr / 10), new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1),
                1.0, "shuffled", 1234, 1, 8, checkpointEvery);
    }

    static LlamaModel model() {
        return LlamaLoader.initialize(TinyModels.config(16, 1, 64), 5, 0.1);
    }

    @Test
    void resumingWithOtherOptionsNamesThem() throws Exception {
        new Trainer(model(), config(1e-3, 10, 2)).saveCheckpoint(dir);
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(model(), config(2e-3, 10, 2)).resume(dir));
        assertEquals(TrainConfig.checkpointFile(dir) + ": cannot resume: --lr was 0.001 in the checkpoint, now 0.002, --min-lr was 0.0001 in the checkpoint, "
                + "now 0.0002; rerun with the same options or start a fresh --out", e.getMessage());
        var s = assertThrows(IllegalArgumentException.class, () -> new Trainer(model(), config(1e-3, 12, 2)).resume(dir));
        assertTrue(s.getMessage().contains("cannot resume: the number of steps was 10 in the checkpoint, now 12;"), s.getMessage());
        assertTrue(new Trainer(model(), config(1e-3, 10, 5)).resume(dir), "the checkpoint interval does not change the numbers");
    }

    @Test
    void checkpointsOfOlderVersionsStillResume() throws Exception {
        new Trainer(model(), config(1e-3, 10, 2)).saveCheckpoint(dir);
        // an older checkpoint: the fingerprint alone, without the settings by name
        Path file = TrainConfig.checkpointFile(dir), old = dir.resolve("old");
        java.nio.file.Files.createDirectories(old);
        try (SafeTensors st = SafeTensors.open(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String n : st.names()) tensors.put(n, st.tensor(n));
            Map<String, String> meta = new LinkedHashMap<>(st.metadata());
            assertNotNull(meta.remove("settings"));
            SafeTensorsWriter.write(TrainConfig.checkpointFile(old), tensors, meta);
        }
        assertTrue(new Trainer(model(), config(1e-3, 10, 2)).resume(old));
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(model(), config(2e-3, 10, 2)).resume(old));
        assertTrue(e.getMessage().endsWith("the checkpoint was made with other training settings; rerun with the same options or start a fresh --out"), e.getMessage());
    }

    @Test
    void theInterruptNoteSaysWhatARerunContinues() throws Exception {
        Trainer t = new Trainer(model(), config(1e-3, 10, 4));
        assertEquals("interrupted after step 0 of 10 before any checkpoint (the first is due at step 4); a rerun starts from the beginning", t.interruptNote(dir));
        t.saveCheckpoint(dir);
        Trainer resumed = new Trainer(model(), config(1e-3, 10, 4));
        assertTrue(resumed.resume(dir));
        assertEquals("interrupted after step 0 of 10; the last checkpoint is step 0 in " + dir + ": rerun with --resume to continue from there", resumed.interruptNote(dir));
        assertEquals("interrupted after step 0 of 10 before any checkpoint (--checkpoint-every 0 saves none); a rerun starts from the beginning",
                new Trainer(model(), config(1e-3, 10, 0)).interruptNote(dir));
    }
}
