package dev.fastdraft.pipeline.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders an evaluation report as a table or as JSON. */
public final class EvalTable {
    private EvalTable() {}

    public static String format(SpeculativeEval.Report r, boolean greedy) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "target/draft parameter ratio c = %.1f; MBSU = c*tau/(c + drafted), drafted = tokens drafted per target call%n%n",
                r.parameterRatio()));
        sb.append(String.format(Locale.ROOT, "%3s %8s %8s %10s %6s %9s %12s %12s %9s%s%n", "k", "prompts", "drafted", "accept", "tau", "MBSU", "target tok/s",
                "spec tok/s", "speedup", greedy ? "  identical" : ""));
        for (SpeculativeEval.Summary s : r.summaries()) {
            sb.append(String.format(Locale.ROOT, "%3d %8d %8.2f %9.1f%% %6.2f %8.2fx %12.1f %12.1f %8.2fx%s%n", s.k(), s.prompts(), s.draftedPerCall(),
                    100 * s.acceptanceRate(), s.blockEfficiency(), s.mbsu(), s.baseTokensPerSecond(), s.specTokensPerSecond(), s.speedup(),
                    greedy ? String.format(Locale.ROOT, "  %d/%d", s.identical(), s.prompts()) : ""));
        }
        return sb.toString();
    }

    public static Map<String, Object> toJson(SpeculativeEval.Report r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("parameter_ratio", r.parameterRatio());
        o.put("mbsu_formula", "c*tau/(c+drafted_per_target_call)");
        List<Object> sums = new ArrayList<>();
        for (SpeculativeEval.Summary s : r.summaries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("k", s.k());
            m.put("prompts", s.prompts());
            m.put("acceptance_rate", s.acceptanceRate());
            m.put("block_efficiency", s.blockEfficiency());
            m.put("drafted_per_target_call", s.draftedPerCall());
            m.put("mbsu", s.mbsu());
            m.put("wall_clock_speedup", s.speedup());
            m.put("target_tokens_per_s", s.baseTokensPerSecond());
            m.put("speculative_tokens_per_s", s.specTokensPerSecond());
            m.put("identical_outputs", s.identical());
            sums.add(m);
        }
        o.put("overall", sums);
        List<Object> per = new ArrayList<>();
        for (SpeculativeEval.PromptResult p : r.results()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompt", p.index());
            m.put("k", p.k());
            m.put("tokens", p.specIds().length);
            m.put("acceptance_rate", p.drafted() == 0 ? 0.0 : (double) p.accepted() / p.drafted());
            m.put("block_efficiency", p.blockEfficiency());
            m.put("speedup", p.specNanos() == 0 ? 0.0 : ((double) p.specIds().length / p.specNanos()) / ((double) p.baseIds().length / p.baseNanos()));
            m.put("identical", p.identical());
            per.add(m);
        }
        o.put("per_prompt", per);
        return o;
    }
}
