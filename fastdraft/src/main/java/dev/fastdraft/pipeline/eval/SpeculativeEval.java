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
 * acceptance rate, block efficiency τ, memory-bound speed-up MBSU = c·τ/(c + k) with c the
 * target/draft parameter ratio, and the wall-clock speed-up measured here (prefill + decode, both runs).
 */
public final class SpeculativeEval {
    private SpeculativeEval() {}

    public record PromptResult(int index, int k, int promptTokens, int[] baseIds, int[] specIds, long baseNanos, long specNanos,
                               int drafted, int accepted, int targetCalls) {
        public boolean identical() {
            return Arrays.equals(baseIds, specIds);
        }
    }

    public record Summary(int k, int prompts, int tokens, int baseTokens, double acceptanceRate, double blockEfficiency, double mbsu,
                          double speedup, double baseTokensPerSecond, double specTokensPerSecond, int identical) {}

    public record Report(double parameterRatio, List<PromptResult> results, List<Summary> summaries) {}

    public static Report run(CausalLM target, CausalLM draft, List<int[]> prompts, int[] ks, int maxNew, SamplingConfig sampling,
                             IntPredicate stop, Consumer<String> progress) {
        double c = (double) target.parameterCount() / draft.parameterCount();
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft);
        // warm the JIT on both paths so the first prompt is not timed cold
        int[] warm = prompts.get(0);
        Generator.generate(target, warm, Math.min(8, maxNew), new Sampler(sampling), null, null);
        decoder.generate(warm, Math.min(8, maxNew), SpeculativeDecoder.DraftLength.fixed(ks[0]), sampling, null, null);

        List<PromptResult> results = new ArrayList<>();
        List<int[]> baseIds = new ArrayList<>();
        List<Long> baseNanos = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            long t0 = System.nanoTime();
            GenerationResult base = Generator.generate(target, prompts.get(i), maxNew, new Sampler(sampling), stop, null);
            baseNanos.add(System.nanoTime() - t0);
            baseIds.add(base.ids());
            if (progress != null) progress.accept(String.format(java.util.Locale.ROOT, "target alone: prompt %d/%d, %d tokens at %.1f tok/s",
                    i + 1, prompts.size(), base.ids().length, base.ids().length / (baseNanos.get(i) / 1e9)));
        }
        List<Summary> summaries = new ArrayList<>();
        for (int k : ks) {
            int drafted = 0, accepted = 0, calls = 0, tokens = 0, baseTokens = 0, same = 0;
            long specTime = 0, baseTime = 0;
            for (int i = 0; i < prompts.size(); i++) {
                long t0 = System.nanoTime();
                SpeculativeResult r = decoder.generate(prompts.get(i), maxNew, SpeculativeDecoder.DraftLength.fixed(k), sampling, stop, null);
                long nanos = System.nanoTime() - t0;
                PromptResult pr = new PromptResult(i, k, prompts.get(i).length, baseIds.get(i), r.ids(), baseNanos.get(i), nanos, r.drafted(), r.accepted(), r.targetCalls());
                results.add(pr);
                drafted += r.drafted();
                accepted += r.accepted();
                calls += r.targetCalls();
                tokens += r.ids().length;
                baseTokens += baseIds.get(i).length;
                specTime += nanos;
                baseTime += baseNanos.get(i);
                if (pr.identical()) same++;
                if (progress != null) progress.accept(String.format(java.util.Locale.ROOT, "k=%d: prompt %d/%d, accepted %d/%d, %.2f tokens per target call, %.1f tok/s",
                        k, i + 1, prompts.size(), r.accepted(), r.drafted(), r.blockEfficiency(), r.ids().length / (nanos / 1e9)));
            }
            double tau = calls == 0 ? 0 : (double) tokens / calls;
            double baseTps = baseTokens / (baseTime / 1e9), specTps = tokens / (specTime / 1e9);
            summaries.add(new Summary(k, prompts.size(), tokens, baseTokens, drafted == 0 ? 0 : (double) accepted / drafted, tau,
                    c * tau / (c + k), specTps / baseTps, baseTps, specTps, same));
        }
        return new Report(c, results, summaries);
    }
}
