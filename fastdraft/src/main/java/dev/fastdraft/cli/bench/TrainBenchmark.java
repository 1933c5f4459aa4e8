package dev.fastdraft.cli.bench;

import dev.fastdraft.autograd.AdamW;
import dev.fastdraft.autograd.LrSchedule;
import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.CliSupport;
import dev.fastdraft.cli.Command;
import dev.fastdraft.cli.Console;
import dev.fastdraft.cli.Option;
import dev.fastdraft.cli.UserError;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemm.Sgemm;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.draft.ParameterCount;
import dev.fastdraft.pipeline.train.TrainConfig;
import dev.fastdraft.pipeline.train.TrainStep;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench train}: training throughput of a ~20M-parameter Llama-style model (the shape PyTorch's
 * figure in shared/ANCHORS.md was measured on), as model-FLOPs utilisation of the SGEMM peak measured in
 * the same run, and the peak heap it needed.
 */
public final class TrainBenchmark implements Command {
    private static final int MAX_POSITIONS = 4096;

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "training tokens/s and model-FLOPs utilisation of a ~20M-parameter Llama-style model";
    }

    @Override
    public List<Option> options() {
        return BenchCommand.withCommon(
                Option.value("--hidden", "H", "hidden size (default 512)"),
                Option.value("--layers", "L", "layers (default 6)"),
                Option.value("--heads", "N", "heads (default 8)"),
                Option.value("--kv-heads", "N", "key/value heads (default 4)"),
                Option.value("--intermediate", "N", "MLP size (default 1408)"),
                Option.value("--vocab", "V", "vocabulary (default 8192, tied)"),
                Option.value("--seq-len", "T", "sequence length (default 256, at most " + MAX_POSITIONS + ")"),
                Option.value("--batch", "B", "sequences per step (default 8)"),
                Option.value("--steps", "N", "timed steps (default 5, after 1 warm-up step)"));
    }

    @Override
    public int run(Args a, Console console) {
        CliSupport.threads(a);
        int t = BenchOptions.range(a, "train", "--seq-len", 256, 1, MAX_POSITIONS);
        int b = BenchOptions.range(a, "train", "--batch", 8, 1, 4096);
        int steps = BenchOptions.range(a, "train", "--steps", 5, 1, 10_000);
        ModelConfig cfg = BenchOptions.llama(a, "train", 8192, 512, 1408, 6, 8, 4, MAX_POSITIONS);
        checkSizes(cfg, b, t);
        WorkerPool pool = WorkerPool.common();
        LlamaModel model = LlamaLoader.initialize(cfg, 1, 0.02);
        long params = model.parameterCount();
        TrainConfig tc = new TrainConfig(t, b, 1, steps + 1, new LrSchedule.Constant(1e-4), new AdamW.Hyper(0.9, 0.95, 1e-8, 0.1), 1.0,
                "sequential", 1, 0, 0, 0);
        TrainStep step = new TrainStep(model, tc);
        SplittableRandom rnd = new SplittableRandom(3);
        int[] in = new int[b * t], tgt = new int[b * t];
        for (int i = 0; i < in.length; i++) { in[i] = rnd.nextInt(cfg.vocabSize()); tgt[i] = rnd.nextInt(cfg.vocabSize()); }

        console.err().printf(Locale.ROOT, "model: %,d parameters; batch %d x %d tokens; %d threads%n", params, b, t, pool.threads());
        step.run(in, tgt, 0); // warm-up: JIT and buffers
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        double[] secs = new double[steps];
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            step.run(in, tgt, s + 1);
            secs[s] = (System.nanoTime() - t0) / 1e9;
        }
        long peakHeap = pools.stream().filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        Arrays.sort(secs);
        double median = secs[steps / 2];
        double tokens = (double) b * t;
        double flopsPerToken = 6.0 * params + 6.0 * cfg.numLayers() * t * cfg.numHeads() * cfg.headDim();
        double gflops = flopsPerToken * tokens / median / 1e9;
        double peak = sgemmPeak(pool);
        double mfu = gflops / peak;
        if (a.flag("--json")) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("parameters", params);
            o.put("threads", pool.threads());
            o.put("tokens_per_s", tokens / median);
            o.put("model_gflops", gflops);
            o.put("sgemm_peak_gflops", peak);
            o.put("mfu", mfu);
            o.put("peak_heap_bytes", peakHeap);
            console.out().println(Json.write(o));
        } else {
            console.out().printf(Locale.ROOT, "%.0f tokens/s, %.1f model GFLOPS (6*params*tokens + attention) = %.0f%% of the SGEMM peak measured here (%.1f GFLOPS); peak heap %.0f MB%n",
                    tokens / median, gflops, 100 * mfu, peak, peakHeap / 1e6);
        }
        return 0;
    }

    /**
     * Training keeps each tensor in one Java float array: refuse shapes whose arrays cannot exist, or whose weights,
     * gradients and AdamW moments (16 bytes a parameter) and logits alone exceed the heap.
     */
    private static void checkSizes(ModelConfig c, int b, int t) {
        long rows = (long) b * t;
        array("--vocab x --hidden (the embedding)", (long) c.vocabSize() * c.hiddenSize());
        array("--hidden x --intermediate (an MLP weight)", (long) c.hiddenSize() * c.intermediateSize());
        array("--batch x --seq-len x --vocab (the logits)", rows * c.vocabSize());
        array("--batch x --seq-len x --intermediate (an MLP activation)", rows * c.intermediateSize());
        array("--batch x --heads x --seq-len^2 (the attention scores)", (long) b * c.numHeads() * t * t);
        long params = ParameterCount.total(c);
        BenchOptions.fitsInHeap("train", String.format(Locale.ROOT, "the weights, gradients and AdamW moments of %,d parameters and the logits", params),
                (4 * params + 2 * rows * c.vocabSize()) * Float.BYTES);
    }

    private static void array(String what, long values) {
        if (values > BenchOptions.MAX_ARRAY) {
            throw new UserError("bench train: " + what + " makes " + values + " values, more than a Java array holds (" + BenchOptions.MAX_ARRAY
                    + "); choose smaller sizes");
        }
    }

    /** Best SGEMM rate at N = 1024 on this pool: the ceiling training FLOPs are measured against. */
    static double sgemmPeak(WorkerPool pool) {
        int n = 1024;
        MemorySegment a = MemorySegment.ofArray(new float[n * n]), b = MemorySegment.ofArray(new float[n * n]), c = MemorySegment.ofArray(new float[n * n]);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 8; r++) {
            long t0 = System.nanoTime();
            Sgemm.sgemm(pool, false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
