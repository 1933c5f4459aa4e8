package dev.fastdraft.pipeline.distill;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.Interruption;
import dev.fastdraft.pipeline.TinyModels;
import dev.fastdraft.pipeline.synth.SamplePlan;
import dev.fastdraft.pipeline.synth.Synth;
import dev.fastdraft.pipeline.synth.SynthSettings;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distillation of a tiny draft on a tiny target's synthetic completions. */
class DistillTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    static Path dir;
    static Path draft, data;

    @BeforeAll
    static void synthData() throws Exception {
        Path target = TinyModels.model(dir.resolve("target"), TinyModels.config(32, 2, 128), 3, 0.3, DType.F32);
        draft = TinyModels.model(dir.resolve("draft"), TinyModels.config(16, 1, 128), 9, 0.1, DType.F32);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 16; i++) prompts.add("prompt number " + i + (i % 2 == 0 ? " the" : " in"));
        data = dir.resolve("synth.jsonl");
        try (LlamaLoader.Loaded t = LlamaLoader.open(target)) {
            Synth.run(t.model(), Tokenizer.load(target), new int[] {TinyModels.EOS}, prompts,
                    new SynthSettings(SamplePlan.of(new double[] {0, 1.0}, 2, 5), 16, 8, 1.0, 4, Long.MAX_VALUE), data, QUIET);
        }
    }

    static TrainConfig config(long steps, int checkpointEvery, int valEvery) {
        TrainConfig d = Distill.config(steps, 32, 4, 1e-2);
        return new TrainConfig(d.seqLen(), d.batch(), 1, steps, d.schedule(), d.hyper(), d.gradClip(), d.dataOrder(), d.seed(), valEvery, 8, checkpointEvery);
    }

    /** Mean cross-entropy per completion token over all examples. */
    static double lossOn(LlamaModel m, DistillData d, TrainConfig cfg) {
        List<DistillExample> all = new ArrayList<>(d.train());
        all.addAll(d.validation());
        return Distill.validate(m, all, new TrainConfig(cfg.seqLen(), cfg.batch(), 1, 1, cfg.schedule(), cfg.hyper(), 1, "sequential", 0, 0, 1000, 0), 0);
    }

    @Test
    void invalidUtf8IsAnErrorNamingTheFile() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        byte[] good = java.nio.file.Files.readAllBytes(data);
        byte[] all = java.util.Arrays.copyOf(good, good.length + 3);
        all[good.length] = '"';
        all[good.length + 1] = (byte) 0xC3; // a lead byte with no continuation
        all[good.length + 2] = '\n';
        java.nio.file.Files.write(bad, all);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DistillData.read(bad, TinyModels.VOCAB, false, 0.25, 1, false, QUIET));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(bad + " is not valid UTF-8"), e.getMessage());
    }

    @Test
    void distillationLowersTheLossOnItsData() throws Exception {
        for (DistillLoss.Kind kind : DistillLoss.Kind.values()) {
            DistillData d = DistillData.read(data, TinyModels.VOCAB, kind != DistillLoss.Kind.CE, 0.25, 1, false, QUIET);
            assertEquals(4, d.topK());
            assertFalse(d.validation().isEmpty());
            TrainConfig cfg = config(15, 0, 15);
            double before = lossOn(LlamaLoader.trainable(draft), d, cfg);
            Path out = dir.resolve("distilled-" + kind);
            Distill.Result r = Distill.run(draft, d, cfg, new Distill.Settings(kind, 1f), out, false, DType.F32, QUIET);
            double after = lossOn(LlamaLoader.trainable(out), d, cfg);
            assertTrue(after < before - 0.2, kind + ": completion loss " + before + " -> " + after);
            assertTrue(r.valLossAfter().getAsDouble() < r.valLossBefore().getAsDouble(), kind + ": validation " + r.valLossBefore() + " -> " + r.valLossAfter());
            assertTrue(r.export().ok(), r.export().summary());
            assertFalse(Files.exists(TrainConfig.checkpointFile(out)), "the checkpoint is removed once the model is saved");
            System.out.printf("distill %s: completion loss %.3f -> %.3f, validation %.3f -> %.3f%n", kind, before, after,
                    r.valLossBefore().getAsDouble(), r.valLossAfter().getAsDouble());
        }
    }

    /** An interrupted distillation resumed from its checkpoint ends with the weights of an uninterrupted one. */
    @Test
    void resumedDistillationIsBitIdentical() throws Exception {
        DistillData d = DistillData.read(data, TinyModels.VOCAB, true, 0.25, 1, false, QUIET);
        Distill.Settings s = new Distill.Settings(DistillLoss.Kind.TV, 0.5f);
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        Distill.run(draft, d, config(6, 2, 1), s, straight, false, DType.F32, QUIET);
        assertThrows(Interruption.Stop.class, () -> Distill.run(draft, d, config(6, 2, 1), s, resumed, false, DType.F32, new Interruption(" 5/6 steps")));
        assertTrue(Files.exists(TrainConfig.checkpointFile(resumed)), "checkpoint of step 4 left behind");
        assertFalse(Files.exists(resumed.resolve("model.safetensors")), "no model before the run completes");
        Distill.run(draft, d, config(6, 2, 1), s, resumed, true, DType.F32, QUIET);
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")),
                "resumed weights are bit-identical to the uninterrupted run's");
        // a checkpoint made with another loss is not continued
        Path third = dir.resolve("third");
        assertThrows(Interruption.Stop.class, () -> Distill.run(draft, d, config(6, 2, 1), s, third, false, DType.F32, new Interruption(" 3/6 steps")));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Distill.run(draft, d, config(6, 2, 1), new Distill.Settings(DistillLoss.Kind.KL, 0.5f), third, true, DType.F32, QUIET));
        assertTrue(e.getMessage().endsWith("cannot resume: --loss was TV in the checkpoint, now KL; rerun with the same options or start a fresh --out"), e.getMessage());
    }
}
