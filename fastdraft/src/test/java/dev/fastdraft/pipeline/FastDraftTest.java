package dev.fastdraft.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.pipeline.distill.Distill;
import dev.fastdraft.pipeline.distill.DistillLoss;
import dev.fastdraft.pipeline.draft.DraftDesign;
import dev.fastdraft.pipeline.eval.SpeculativeEval;
import dev.fastdraft.pipeline.prepare.PrepareOptions;
import dev.fastdraft.pipeline.prepare.PrepareReport;
import dev.fastdraft.pipeline.synth.SamplePlan;
import dev.fastdraft.pipeline.synth.Synth;
import dev.fastdraft.pipeline.synth.SynthSettings;
import dev.fastdraft.pipeline.train.Pretrain;
import java.nio.file.Files;
import dev.fastdraft.models.generate.Generator;
import dev.fastdraft.models.generate.Sampler;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library API: the pipeline end to end without the CLI, and one SpeculativeDecoder serving two threads at once. */
class FastDraftTest {
    @TempDir
    Path dir;

    @Test
    void everyStepRunsFromJava() throws Exception {
        Path target = TinyModels.model(dir.resolve("target"), TinyModels.config(32, 2, 128), 3, 0.3, DType.F32);
        Path draft = dir.resolve("draft");
        ModelConfig dc = FastDraft.initDraft(target, new DraftDesign.Request(1, 16, 2, 1, 32, true, "float32"), draft, 7);
        assertEquals(16, dc.hiddenSize());
        Path text = dir.resolve("corpus.txt");
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 60; i++) corpus.append("the cat in the hat number ").append(i).append(" sat there\n");
        Files.writeString(text, corpus);
        PrepareReport prep = FastDraft.prepare(target, PrepareOptions.of(List.of(text), dir.resolve("tokens.bin"), null), null);
        assertTrue(prep.tokens() > 200, "tokens: " + prep.tokens());

        Pretrain.Result pre = FastDraft.pretrain(draft, dir.resolve("tokens.bin"), null, 4 * 2 * 32, 32, 2, 3e-3, null);
        assertEquals(4, pre.steps());
        Synth.Summary syn = FastDraft.synth(target, List.of("the cat", "in the hat", "sat there"),
                new SynthSettings(SamplePlan.of(new double[] {0, 1.0}, 2, 1), 8, 4, 1.0, 0, Long.MAX_VALUE), dir.resolve("synth.jsonl"), null);
        assertEquals(6, syn.written());
        Distill.Result dis = FastDraft.distill(draft, dir.resolve("synth.jsonl"), dir.resolve("distilled"), DistillLoss.Kind.CE, 2, null);
        assertTrue(dis.export().ok(), dis.export().summary());
        assertTrue(FastDraft.checkExport(dir.resolve("distilled")).ok());
        SpeculativeEval.Report eval = FastDraft.evaluate(target, dir.resolve("distilled"), List.of("the cat"), new int[] {2}, 8, SamplingConfig.greedy());
        assertEquals(eval.summaries().get(0).prompts(), eval.summaries().get(0).identical(), "greedy speculation reproduces the target");
    }

    record Call(int prompt, int[] ids, long start, long end) {}

    @Test
    void oneDecoderServesTwoThreadsWithTheTargetsGreedyOutput() throws Exception {
        Path target = TinyModels.model(dir.resolve("target"), TinyModels.config(32, 2, 128), 3, 0.3, DType.BF16);
        Path draft = TinyModels.model(dir.resolve("draft"), TinyModels.config(16, 1, 128), 4, 0.3, DType.F32);
        int[][] prompts = {{1, 2, 3}, {50, 60}, {7, 7, 7, 7}, {200, 100, 3}, {9}, {33, 44, 55, 66, 77}};
        int maxNew = 16;
        try (FastDraft.Speculator s = FastDraft.speculator(target, draft)) {
            int[][] want = new int[prompts.length][];
            for (int i = 0; i < prompts.length; i++) want[i] = Generator.generate(s.target(), prompts[i], maxNew, new Sampler(SamplingConfig.greedy()), null, null).ids();
            SpeculativeDecoder shared = s.decoder();
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<Call>>> futures = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int first = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        List<Call> calls = new ArrayList<>();
                        for (int round = 0; round < 2; round++) {
                            for (int i = first; i < prompts.length; i += 2) {
                                long t0 = System.nanoTime();
                                int[] ids = shared.generate(prompts[i], maxNew, SpeculativeDecoder.DraftLength.fixed(3), SamplingConfig.greedy(), null, null).ids();
                                calls.add(new Call(i, ids, t0, System.nanoTime()));
                            }
                        }
                        return calls;
                    }));
                }
                List<Call> a = futures.get(0).get(), b = futures.get(1).get();
                for (Call c : a) assertArrayEquals(want[c.prompt()], c.ids(), "thread 0, prompt " + c.prompt());
                for (Call c : b) assertArrayEquals(want[c.prompt()], c.ids(), "thread 1, prompt " + c.prompt());
                boolean overlapped = false;
                for (Call x : a) for (Call y : b) overlapped |= x.start() < y.end() && y.start() < x.end();
                assertTrue(overlapped, "the two threads' calls ran at the same time");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
