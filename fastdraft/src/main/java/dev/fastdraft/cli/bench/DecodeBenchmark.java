package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.CliSupport;
import dev.fastdraft.cli.Command;
import dev.fastdraft.cli.Console;
import dev.fastdraft.cli.Option;
import dev.fastdraft.cli.UserError;
import dev.fastdraft.engine.DType;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.generate.KVCache;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.pipeline.draft.ParameterCount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench decode}: tokens/s of one-token decode steps for a Llama-3.2-1B-shaped model with random
 * weights, as a fraction of the memory bandwidth measured in the same run (decode reads every weight
 * once per token), and the cost of verifying k tokens in one pass relative to one decode step.
 */
public final class DecodeBenchmark implements Command {
    static final int MAX_CONTEXT = 32768;
    static final int MAX_VERIFY = SpeculativeDecoder.DraftLength.MAX_TOKENS + 1;

    @Override
    public String name() {
        return "decode";
    }

    @Override
    public String summary() {
        return "decode tokens/s of a Llama-3.2-1B-shaped model vs memory bandwidth, and the cost of verifying k tokens";
    }

    @Override
    public List<Option> options() {
        return BenchCommand.withCommon(
                Option.value("--dtype", "D", "weight dtype: bf16 | f16 | f32 (default bf16)"),
                Option.value("--hidden", "H", "hidden size (default 2048)"),
                Option.value("--layers", "L", "layers (default 16)"),
                Option.value("--heads", "N", "attention heads (default 32)"),
                Option.value("--kv-heads", "N", "key/value heads (default 8)"),
                Option.value("--intermediate", "N", "MLP size (default 8192)"),
                Option.value("--vocab", "V", "vocabulary (default 128256, tied embeddings)"),
                Option.value("--context", "N", "tokens already in the cache when timing (default 64, at most " + MAX_CONTEXT + ")"),
                Option.value("--steps", "N", "timed decode steps (default 32)"),
                Option.value("--verify", "K,..", "verification widths to time, 1.." + MAX_VERIFY + " (default 4,8)"));
    }

    @Override
    public int run(Args a, Console console) {
        CliSupport.threads(a);
        DType dtype = switch (a.string("--dtype", "bf16")) {
            case "bf16" -> DType.BF16;
            case "f16" -> DType.F16;
            case "f32" -> DType.F32;
            default -> throw new UserError("--dtype must be bf16, f16 or f32");
        };
        int context = BenchOptions.range(a, "decode", "--context", 64, 1, MAX_CONTEXT);
        int steps = BenchOptions.range(a, "decode", "--steps", 32, 1, 100_000);
        int[] verify = a.has("--verify") ? a.intList("--verify") : new int[] {4, 8};
        for (int k : verify) {
            // as many rows as a speculative round verifies at most; wider passes take their own, much slower path
            if (k < 1 || k > MAX_VERIFY) throw new UserError("bench decode: --verify widths must be in 1.." + MAX_VERIFY + " (the rows of a speculative round), got " + k);
        }
        int maxK = Arrays.stream(verify).max().orElse(1);
        int capacity = context + maxK; // every timed step truncates the cache back to the context
        ModelConfig cfg = BenchOptions.llama(a, "decode", 128256, 2048, 8192, 16, 32, 8, Math.max(4096, capacity));
        long kvDim = (long) cfg.numKvHeads() * cfg.headDim();
        if (capacity * kvDim > BenchOptions.MAX_ARRAY) {
            throw new UserError("bench decode: --context " + context + " is too long for a key/value cache of " + kvDim + " values per position; choose a shorter one");
        }
        BenchOptions.fitsInMemory("decode", "the " + dtype + " weights of this shape (--vocab, --hidden, --intermediate, --layers) and the bandwidth probe",
                ParameterCount.total(cfg) * dtype.byteSize() + MemoryBandwidth.STANDARD_BYTES);
        BenchOptions.fitsInHeap("decode", "the key/value cache of --context " + context, 2L * cfg.numLayers() * capacity * kvDim * Float.BYTES);
        boolean json = a.flag("--json");
        WorkerPool pool = WorkerPool.common();

        console.err().println("building a random " + dtype + " model: " + cfg.numLayers() + " layers, hidden " + cfg.hiddenSize() + ", vocab " + cfg.vocabSize() + " ...");
        LlamaModel model = LlamaLoader.randomInference(cfg, dtype, 1, 0.02);
        long weightBytes = 0;
        for (var v : model.weights().values()) weightBytes += v.value().byteSize();

        int[] prompt = new int[context];
        for (int i = 0; i < context; i++) prompt[i] = (i * 7919) % cfg.vocabSize();
        KVCache cache = model.newCache(capacity);
        // Warm the JIT on every shape that is timed, for at least 2 s: a small model runs a step in well under a
        // millisecond, long before C2 has compiled its kernels (3 warm-up steps measured a 1.8M-parameter model
        // at a tenth of its speed).
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        do {
            cache.truncate(0);
            model.forward(prompt, cache, 1);
            for (int i = 0; i < 8; i++) {
                model.forward(new int[] {i + 1}, cache, 1);
                cache.truncate(context);
            }
            for (int k : verify) {
                model.forward(Arrays.copyOf(prompt, k), cache, k);
                cache.truncate(context);
            }
        } while (System.nanoTime() < warmEnd);
        cache.truncate(0);
        long p0 = System.nanoTime();
        model.forward(prompt, cache, 1);
        double prefillTps = context / ((System.nanoTime() - p0) / 1e9);

        // Rounds of one decode step, each verification width and the two bandwidth probes, back to back: the
        // host's speed swings from second to second, so every ratio compares figures taken moments apart and
        // the medians of the per-round ratios are reported.
        double[] stepMs = new double[steps], fraction = new double[steps], reads = new double[steps], triads = new double[steps];
        double[][] cost = new double[verify.length][steps];
        try (MemoryBandwidth bw = MemoryBandwidth.standard()) {
            for (int i = 0; i < 3; i++) { // the probes' loops need the JIT too
                bw.read(pool);
                bw.triad(pool);
            }
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                model.forward(new int[] {(i * 31 + 5) % cfg.vocabSize()}, cache, 1);
                stepMs[i] = (System.nanoTime() - t0) / 1e6;
                cache.truncate(context);
                for (int v = 0; v < verify.length; v++) {
                    int k = verify[v];
                    int[] ids = new int[k];
                    for (int j = 0; j < k; j++) ids[j] = (j * 13 + 3 + i) % cfg.vocabSize();
                    long v0 = System.nanoTime();
                    model.forward(ids, cache, k);
                    cost[v][i] = (System.nanoTime() - v0) / 1e6 / stepMs[i];
                    cache.truncate(context);
                }
                reads[i] = bw.read(pool);
                triads[i] = bw.triad(pool);
                fraction[i] = weightBytes / (stepMs[i] * 1e6) / Math.max(reads[i], triads[i]);
            }
        }
        double medianStep = Stats.median(stepMs);
        double tokensPerSecond = 1000 / medianStep;
        double gbps = weightBytes * tokensPerSecond / 1e9;
        double read = Stats.median(reads), triad = Stats.median(triads);
        Map<Integer, Double> verifyCost = new LinkedHashMap<>();
        for (int v = 0; v < verify.length; v++) verifyCost.put(verify[v], Stats.median(cost[v]));

        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("dtype", dtype.name().toLowerCase(Locale.ROOT));
            o.put("threads", pool.threads());
            o.put("weight_bytes", weightBytes);
            o.put("prefill_tokens_per_s", prefillTps);
            o.put("decode_tokens_per_s", tokensPerSecond);
            o.put("decode_weight_gbps", gbps);
            o.put("bandwidth_read_gbps", read);
            o.put("bandwidth_triad_gbps", triad);
            o.put("fraction_of_bandwidth", Stats.median(fraction));
            o.put("fraction_of_bandwidth_quartiles", List.of(Stats.quantile(fraction, 0.25), Stats.quantile(fraction, 0.75)));
            Map<String, Object> v = new LinkedHashMap<>();
            verifyCost.forEach((k, c) -> v.put(Integer.toString(k), c));
            o.put("verify_cost_vs_one_step", v);
            console.out().println(Json.write(o));
        } else {
            console.out().printf(Locale.ROOT, "weights %.2f GB (%s), %d threads%n", weightBytes / 1e9, dtype, pool.threads());
            console.out().printf(Locale.ROOT, "prefill of %d tokens: %.1f tok/s%n", context, prefillTps);
            console.out().printf(Locale.ROOT, "decode: %.2f tok/s = %.1f GB/s of weights; memory bandwidth here: read %.1f GB/s, triad %.1f GB/s%n",
                    tokensPerSecond, gbps, read, triad);
            console.out().printf(Locale.ROOT, "decode weight rate / the better probe of the same round: %.0f%% (median; quartiles %.0f..%.0f%%)%n",
                    100 * Stats.median(fraction), 100 * Stats.quantile(fraction, 0.25), 100 * Stats.quantile(fraction, 0.75));
            verifyCost.forEach((k, c) -> console.out().printf(Locale.ROOT, "verify %d tokens in one pass: %.2fx one decode step%n", k, c));
        }
        return 0;
    }
}
