package dev.fastdraft.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
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

/** The library API: one SpeculativeDecoder serving two threads at once. */
class FastDraftTest {
    @TempDir
    Path dir;

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
