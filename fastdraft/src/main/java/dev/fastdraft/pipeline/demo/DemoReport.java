package dev.fastdraft.pipeline.demo;

import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.eval.EvalTable;
import dev.fastdraft.pipeline.eval.SpeculativeEval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's closing table, its side-by-side sample and the commands to repeat it on one's own model. */
final class DemoReport {
    private DemoReport() {}

    static String table(Demo.Result r, DemoPlan p) {
        SpeculativeEval.Summary a = r.pretrained().summaries().get(0), b = r.distilled().summaries().get(0);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Greedy decoding of %d held-out prompts, %d new tokens each, k = %d draft tokens per target call%n",
                a.prompts(), p.evalNewTokens(), a.k()));
        sb.append(String.format(Locale.ROOT, "(target/draft parameter ratio c = %.1f; MBSU = c*tau/(c + tokens drafted per call), the speed-up if time were weight reads)%n%n",
                r.distilled().parameterRatio()));
        String f = "%-34s %14s %18s %16s%n";
        sb.append(String.format(Locale.ROOT, f, "", "target alone", "pre-trained draft", "distilled draft"));
        sb.append(String.format(Locale.ROOT, f, "acceptance rate", "-", pct(a.acceptanceRate()), pct(b.acceptanceRate())));
        sb.append(String.format(Locale.ROOT, f, "block efficiency (tokens per call)", "1.00", num(a.blockEfficiency()), num(b.blockEfficiency())));
        sb.append(String.format(Locale.ROOT, f, "memory-bound speed-up (MBSU)", "1.00x", num(a.mbsu()) + "x", num(b.mbsu()) + "x"));
        sb.append(String.format(Locale.ROOT, f, "wall-clock speed-up (measured)", "1.00x", num(a.speedup()) + "x", num(b.speedup()) + "x"));
        // the target alone is timed prompt by prompt next to each draft: two timings, each speed-up against its own
        sb.append(String.format(Locale.ROOT, f, "tokens/s",
                String.format(Locale.ROOT, "%.0f / %.0f", a.baseTokensPerSecond(), b.baseTokensPerSecond()),
                String.format(Locale.ROOT, "%.1f", a.specTokensPerSecond()), String.format(Locale.ROOT, "%.1f", b.specTokensPerSecond())));
        sb.append(String.format(Locale.ROOT, f, "output identical to the target's", "-", a.identical() + "/" + a.prompts(), b.identical() + "/" + b.prompts()));
        boolean allSame = a.identical() == a.prompts() && b.identical() == b.prompts();
        sb.append(String.format(Locale.ROOT, "(The target alone ran next to each draft, prompt by prompt: %.0f tok/s beside the pre-trained draft, %.0f beside the%n"
                + "distilled one; each speed-up is against the target's own timing in its run.)%n", a.baseTokensPerSecond(), b.baseTokensPerSecond()));
        sb.append(String.format(Locale.ROOT, "%n%s%n", allSame
                ? "Every speculative output is token for token the target's own greedy output: the speed-up costs nothing in quality."
                : "WARNING: some speculative outputs differ from the target's greedy output (see report.json); this is a bug, please report it."));
        sb.append(String.format(Locale.ROOT, "Distillation %s the block efficiency: %.2f -> %.2f tokens per target call.%n",
                b.blockEfficiency() > a.blockEfficiency() ? "raised" : "did not raise", a.blockEfficiency(), b.blockEfficiency()));
        return sb.toString();
    }

    /** One prompt's continuation by the target alone and with the distilled draft, in two columns: the one most code. */
    static String sample(Demo.Result r, Tokenizer tok) {
        int best = 0;
        for (int i = 1; i < r.evalPrompts().size(); i++) if (commentLines(r.evalPrompts().get(i)) < commentLines(r.evalPrompts().get(best))) best = i;
        SpeculativeEval.PromptResult pr = r.distilled().results().get(best);
        String prompt = r.evalPrompts().get(best);
        String base = tok.decode(pr.baseIds()), spec = tok.decode(pr.specIds());
        StringBuilder sb = new StringBuilder();
        sb.append("A sample. The prompt (held-out JDK source; its last lines):\n");
        List<String> pl = prompt.lines().toList();
        for (String l : pl.subList(Math.max(0, pl.size() - 6), pl.size())) sb.append("  | ").append(clip(l, 100)).append('\n');
        int w = 56;
        sb.append('\n').append(String.format(Locale.ROOT, "  %-" + w + "s   %s%n",
                String.format(Locale.ROOT, "target alone: %.1f tok/s", pr.baseIds().length / (pr.baseNanos() / 1e9)),
                String.format(Locale.ROOT, "with the distilled draft: %.1f tok/s", pr.specIds().length / (pr.specNanos() / 1e9))));
        List<String> left = base.lines().toList(), right = spec.lines().toList();
        int rows = Math.min(14, Math.max(left.size(), right.size()));
        for (int i = 0; i < rows; i++) {
            String x = i < left.size() ? left.get(i) : "", y = i < right.size() ? right.get(i) : "";
            sb.append(String.format(Locale.ROOT, "  %-" + w + "s | %s%n", clip(x, w), clip(y, w)));
        }
        sb.append(String.format(Locale.ROOT, "  (%s; %d of %d drafted tokens accepted, %d target calls for %d tokens)%n",
                pr.identical() ? "identical" : "DIFFERENT", pr.accepted(), pr.drafted(), pr.targetCalls(), pr.specIds().length));
        return sb.toString();
    }

    private static long commentLines(String s) {
        return s.lines().map(String::strip).filter(l -> l.startsWith("*") || l.startsWith("//") || l.startsWith("/*")).count();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String clip(String s, int w) {
        s = s.replace("\t", "    ");
        return s.length() <= w ? s : s.substring(0, w - 1) + "…";
    }

    static Map<String, Object> json(Demo.Result r, DemoPlan p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("plan", p.name());
        o.put("pretrained_draft", EvalTable.toJson(r.pretrained()));
        o.put("distilled_draft", EvalTable.toJson(r.distilled()));
        List<Object> prompts = new ArrayList<>(r.evalPrompts());
        o.put("eval_prompts", prompts);
        return o;
    }

    static String nextSteps() {
        return """

                The same pipeline on your own Hugging Face model (Llama 3.x, Mistral, Qwen2, Phi-3; a directory with
                config.json, *.safetensors and tokenizer.json), step by step (README.md, "A draft for your own model"):
                  J="java -jar fastdraft-engine.jar"
                  $J init-draft --target MODEL --out draft
                  $J prepare --tokenizer MODEL --input corpus/ --input "$JAVA_HOME/lib/src.zip" --include '*.java' \\
                      --out train.bin --val-out val.bin
                  $J pretrain --draft draft --data train.bin --val-data val.bin --tokens 200m
                  $J synth --target MODEL --prompts prompts.jsonl --out synth.jsonl   # --chat for an instruct model
                  $J distill --draft draft --data synth.jsonl --out draft-distilled
                  $J cut-prompts --tokenizer MODEL --tokens val.bin --count 50 --out held-out.jsonl
                  $J eval --target MODEL --draft draft-distilled --prompts held-out.jsonl
                  $J speculate --target MODEL --draft draft-distilled --prompt "def fib(n):" --max-new-tokens 128 --draft-tokens 4
                  $J chat --model MODEL --draft draft-distilled          # an instruct model, through its chat template
                """;
    }
}
