package dev.fastdraft.pipeline.eval;

import dev.fastdraft.models.generate.CausalLM;
import dev.fastdraft.models.generate.GenerationResult;
import dev.fastdraft.models.generate.Generator;
import dev.fastdraft.models.generate.Sampler;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.generate.SpeculativeResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Runs prompts with the target alone and with the draft, and measures what the FastDraft paper reports:
 * acceptance rate, block efficiency τ, memory-bound speed-up MBSU = c·τ/(c + k̄) with c the
 * target/draft parameter ratio and k̄ the tokens drafted per target call (k, but for rounds cut short by the
 * end of the output or by a confidence threshold), and the wall-clock speed-up measured here (prefill +
 * decode, both runs).
 */
public final class SpeculativeEval {
    private SpeculativeEval() {}

    public record PromptResult(int index, int k, int promptTokens, int[] baseIds, int[] specIds, long baseNanos, long specNanos,
                               int drafted, int accepted, int targetCalls) {
        public boolean identical() {
            return Arrays.equals(baseIds, specIds);
        }

        public double blockEfficiency() {
            return SpeculativeResult.blockEfficiency(specIds.length, targetCalls);
        }
    }

    public record Summary(int k, int prompts, int tokens, int baseTokens, double acceptanceRate, double blockEfficiency, double draftedPerCall, double mbsu,
                          double speedup, double baseTokensPerSecond, double specTokensPerSecond, int identical) {}

    /** {@code results}: every prompt for the first k, then every prompt for the next k, and so on. */
    public record Report(double parameterRatio, List<PromptResult> results, List<Summary> summaries) {}

    private static final long WARM_UP_NANOS = 10_000_000_000L;

    public static Report run(CausalLM target, CausalLM draft, List<int[]> prompts, int[] ks, int maxNew, SamplingConfig sampling,
                             IntPredicate stop, Consumer<String> progress) {
        return run(target, draft, prompts, ks, 0, maxNew, sampling, stop, progress);
    }

    /** As above, with rounds that stop drafting where the draft's confidence falls below {@code confidence} (0: never). */
    public static Report run(CausalLM target, CausalLM draft, List<int[]> prompts, int[] ks, double confidence, int maxNew, SamplingConfig sampling,
                             IntPredicate stop, Consumer<String> progress) {
        double c = (double) target.parameterCount() / draft.parameterCount();
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft);
        SpeculativeDecoder.DraftLength[] lengths = new SpeculativeDecoder.DraftLength[ks.length];
        for (int q = 0; q < ks.length; q++) lengths[q] = SpeculativeDecoder.DraftLength.fixed(ks[q]).withConfidence(confidence);
        // warm the JIT on every path with whole untimed prompts, for WARM_UP_NANOS or as long as the timed runs
        // will take if that is less: C2 goes on compiling on the cores being timed for seconds, while a small
        // target's prompt takes a fraction of one (after one warm-up prompt of the demo's target, 0.3 s, its
        // first 12 timed prompts ran 20% slower than the next 12; after 4 s, still 10-20%)
        int[] warm = prompts.get(0);
        long warmStart = System.nanoTime(), elapsed;
        int rounds = 0;
        do {
            Generator.generate(target, warm, maxNew, new Sampler(sampling), stop, null);
            for (SpeculativeDecoder.DraftLength len : lengths) decoder.generate(warm, maxNew, len, sampling, stop, null);
            rounds++;
            elapsed = System.nanoTime() - warmStart;
        } while (elapsed < Math.min(WARM_UP_NANOS, elapsed / rounds * prompts.size()));

        // each prompt runs with the target alone and then with every k, one right after the other, so that a
        // slow minute on a shared machine slows both sides of a ratio alike
        List<List<PromptResult>> byK = new ArrayList<>();
        for (int q = 0; q < ks.length; q++) byK.add(new ArrayList<>());
        for (int i = 0; i < prompts.size(); i++) {
            long t0 = System.nanoTime();
            GenerationResult base = Generator.generate(target, prompts.get(i), maxNew, new Sampler(sampling), stop, null);
            long baseNanos = System.nanoTime() - t0;
            if (progress != null) progress.accept(String.format(java.util.Locale.ROOT, "prompt %d/%d, target alone: %d tokens at %.1f tok/s",
                    i + 1, prompts.size(), base.ids().length, base.ids().length / (baseNanos / 1e9)));
            for (int q = 0; q < ks.length; q++) {
                int k = ks[q];
                long t1 = System.nanoTime();
                SpeculativeResult r = decoder.generate(prompts.get(i), maxNew, lengths[q], sampling, stop, null);
                long nanos = System.nanoTime() - t1;
                byK.get(q).add(new PromptResult(i, k, prompts.get(i).length, base.ids(), r.ids(), baseNanos, nanos,
                        r.drafted(), r.accepted(), r.targetCalls()));
                if (progress != null) progress.accept(String.format(java.util.Locale.ROOT, "prompt %d/%d, k=%d: accepted %d/%d, %.2f tokens per target call, %.1f tok/s",
                        i + 1, prompts.size(), k, r.accepted(), r.drafted(), r.blockEfficiency(), r.ids().length / (nanos / 1e9)));
            }
        }
        List<PromptResult> results = new ArrayList<>();
        List<Summary> summaries = new ArrayList<>();
        for (int q = 0; q < ks.length; q++) {
            int k = ks[q];
            int drafted = 0, accepted = 0, calls = 0, tokens = 0, verified = 0, baseTokens = 0, same = 0;
            long specTime = 0, baseTime = 0;
            for (PromptResult pr : byK.get(q)) {
                drafted += pr.drafted();
                accepted += pr.accepted();
                calls += pr.targetCalls();
                tokens += pr.specIds().length;
                verified += pr.specIds().length - 1; // the first token of each comes from the prefill
                baseTokens += pr.baseIds().length;
                specTime += pr.specNanos();
                baseTime += pr.baseNanos();
                if (pr.identical()) same++;
            }
            results.addAll(byK.get(q));
            double tau = calls == 0 ? 0 : (double) verified / calls;
            double perCall = calls == 0 ? 0 : (double) drafted / calls;
            double baseTps = baseTokens / (baseTime / 1e9), specTps = tokens / (specTime / 1e9);
            summaries.add(new Summary(k, prompts.size(), tokens, baseTokens, drafted == 0 ? 0 : (double) accepted / drafted, tau,
                    perCall, c * tau / (c + perCall), specTps / baseTps, baseTps, specTps, same));
        }
        return new Report(c, results, summaries);
    }
}
