package dev.fastdraft.pipeline.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.pipeline.Interruption;
import dev.fastdraft.pipeline.TinyModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-training in place: nothing changes until the end, an interrupted run resumes to the same weights. */
class PretrainTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    static TrainConfig config(long tokens) {
        TrainConfig d = Pretrain.config(tokens, 16, 2, 3e-3);
        // validation every step forces a progress line per step, which the interruption watches for
        return new TrainConfig(d.seqLen(), d.batch(), 1, d.steps(), d.schedule(), d.hyper(), d.gradClip(), d.dataOrder(), d.seed(), 1, 2, 3);
    }

    @Test
    void interruptedInPlaceRunResumesToTheSameWeights() throws Exception {
        Path data = TinyModels.tokens(dir.resolve("train.bin"), TinyModels.patterned(700, TinyModels.VOCAB));
        Path val = TinyModels.tokens(dir.resolve("val.bin"), TinyModels.patterned(200, TinyModels.VOCAB));
        Path straight = TinyModels.model(dir.resolve("straight"), TinyModels.config(16, 1, 64), 5, 0.1, DType.F32);
        Path inPlace = TinyModels.model(dir.resolve("in-place"), TinyModels.config(16, 1, 64), 5, 0.1, DType.F32);
        byte[] original = Files.readAllBytes(inPlace.resolve("model.safetensors"));
        TrainConfig cfg = config(8 * 16 * 2);
        assertEquals(8, cfg.steps());

        Pretrain.Result a = Pretrain.run(straight, data, val, cfg, null, false, DType.F32, QUIET);
        assertEquals(8, a.steps());
        assertTrue(a.valLoss().isPresent());
        assertEquals(Math.exp(a.valLoss().getAsDouble()), a.valPerplexity().getAsDouble(), 1e-9);

        assertThrows(Interruption.Stop.class, () -> Pretrain.run(inPlace, data, val, cfg, null, false, DType.F32, new Interruption(" 5/8 steps")));
        assertArrayEquals(original, Files.readAllBytes(inPlace.resolve("model.safetensors")), "the draft is untouched until the run completes");
        assertTrue(Files.exists(TrainConfig.checkpointFile(inPlace)), "checkpoint of step 3");

        Pretrain.Result b = Pretrain.run(inPlace, data, val, cfg, null, true, DType.F32, QUIET);
        assertEquals(8, b.steps());
        assertFalse(Files.exists(TrainConfig.checkpointFile(inPlace)));
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(inPlace.resolve("model.safetensors")),
                "resumed weights are bit-identical to the uninterrupted run's");
        assertEquals(a.valLoss().getAsDouble(), b.valLoss().getAsDouble());
        assertTrue(Double.isFinite(a.trainLoss()));
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        Path draft = TinyModels.model(dir.resolve("d"), TinyModels.config(16, 1, 64), 5, 0.1, DType.F32);
        int[] ids = TinyModels.patterned(400, TinyModels.VOCAB);
        ids[250] = TinyModels.VOCAB + 5;
        Path foreign = TinyModels.tokens(dir.resolve("foreign.bin"), ids);
        var e = assertThrows(IllegalArgumentException.class, () -> Pretrain.run(draft, foreign, null, config(64), null, false, DType.F32, QUIET));
        assertTrue(e.getMessage().contains("token id 268 at index 250 is outside the draft's vocabulary of 263"), e.getMessage());
        Path ok = TinyModels.tokens(dir.resolve("ok.bin"), TinyModels.patterned(400, TinyModels.VOCAB));
        TrainConfig tooLong = Pretrain.config(10_000, 128, 2, 1e-3);
        var f = assertThrows(IllegalArgumentException.class, () -> Pretrain.run(draft, ok, null, tooLong, null, false, DType.F32, QUIET));
        assertTrue(f.getMessage().contains("--seq-len 128 is longer than the draft's context of 64"), f.getMessage());
        var g = assertThrows(IllegalArgumentException.class, () -> Pretrain.steps(100, 16, 8, 1));
        assertTrue(g.getMessage().contains("less than one optimizer step of 128 tokens"), g.getMessage());
    }
}
