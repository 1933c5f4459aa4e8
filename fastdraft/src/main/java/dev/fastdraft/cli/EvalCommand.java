package dev.fastdraft.cli;

import dev.fastdraft.models.chat.PromptFormat;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.DraftCompatibility;
import dev.fastdraft.pipeline.PromptFile;
import dev.fastdraft.pipeline.eval.EvalTable;
import dev.fastdraft.pipeline.eval.SpeculativeEval;
import java.util.ArrayList;
import java.util.List;

/** {@code eval}: the FastDraft metrics of a draft on a prompt set, against the target alone. */
public final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "measure acceptance rate, block efficiency, MBSU and wall-clock speed-up of a draft on prompts";
    }

    @Override
    public List<Option> options() {
        return CliSupport.options(List.of(
                Option.value("--target", "DIR", "target model directory"),
                Option.value("--draft", "DIR", "draft model directory"),
                Option.value("--prompts", "FILE", "JSON Lines with a \"prompt\" field, or one prompt per line"),
                Option.value("--prompt-field", "NAME", "JSON field holding the prompt (default prompt)"),
                Option.flag("--skip-bad-lines", "skip malformed JSON lines instead of stopping")), CliSupport.CHAT, List.of(
                Option.value("--draft-tokens", "K[,K2..]", "draft lengths to evaluate (default 4)"),
                CliSupport.DRAFT_CONFIDENCE,
                Option.value("--max-new-tokens", "N", "tokens per prompt (default 128)"),
                Option.value("--temperature", "T", "0 = greedy (default 0)"),
                Option.value("--top-p", "P", "nucleus filter (default 1: off)"),
                Option.value("--seed", "S", "sampling seed (default 0)"),
                Option.flag("--ignore-eos", "always generate --max-new-tokens"),
                Option.flag("--json", "print the report as JSON"),
                CliSupport.DEVICE,
                Option.value("--threads", "T", "worker threads (default: physical cores)")));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        int[] ks = a.has("--draft-tokens") ? a.intList("--draft-tokens") : new int[] {4};
        for (int k : ks) CliSupport.checkDraftTokens("--draft-tokens", k);
        SamplingConfig sampling = new SamplingConfig(a.number("--temperature", 0), 0, a.number("--top-p", 1.0), 0, a.longValue("--seed", 0));
        List<String> texts = PromptFile.read(a.path("--prompts"), a.string("--prompt-field", "prompt"), a.flag("--skip-bad-lines"));
        try (var device = CliSupport.device(a, console); LlamaLoader.Loaded target = LlamaLoader.open(a.path("--target")); LlamaLoader.Loaded draft = LlamaLoader.open(a.path("--draft"))) {
            target.model().useDevice(device);
            DraftCompatibility.check(a.path("--target"), target.model().vocabSize(), a.path("--draft"), draft.model().vocabSize());
            Tokenizer tok = CliSupport.tokenizerIfPresent(a.path("--target"), true);
            List<int[]> prompts = new ArrayList<>();
            PromptFormat format = CliSupport.promptFormat(a, a.path("--target"), tok);
            for (String t : texts) prompts.add(format.encode(t));
            int[] eos = a.flag("--ignore-eos") ? new int[0] : CliSupport.eosIds(target.model(), tok);
            SpeculativeEval.Report report = SpeculativeEval.run(target.model(), draft.model(), prompts, ks, CliSupport.draftConfidence(a), a.integer("--max-new-tokens", 128), sampling,
                    id -> { for (int e : eos) if (e == id) return true; return false; }, line -> console.err().println(line));
            if (a.flag("--json")) console.out().println(Json.write(EvalTable.toJson(report)));
            else console.out().print(EvalTable.format(report, sampling.isGreedy()));
        }
        return 0;
    }
}
