package dev.fastdraft.cli;

import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.generate.SpeculativeResult;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.DraftCompatibility;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code speculate}: generation with a draft proposing tokens that the target verifies in one pass. */
public final class SpeculateCommand implements Command {
    @Override
    public String name() {
        return "speculate";
    }

    @Override
    public String summary() {
        return "generate with speculative decoding: --draft proposes, --target verifies (same output as the target alone)";
    }

    @Override
    public List<Option> options() {
        return CliSupport.options(List.of(
                Option.value("--target", "DIR", "target model directory"),
                Option.value("--draft", "DIR", "draft model directory (same tokenizer and vocabulary)"),
                Option.value("--prompt", "TEXT", "prompt text"),
                Option.value("--ids", "1,2,3", "prompt token ids, used as given")), CliSupport.CHAT, List.of(
                Option.value("--max-new-tokens", "N", "tokens to generate (default 128)"),
                Option.value("--draft-tokens", "K", "tokens drafted per target call (default 4)"),
                Option.flag("--adaptive", "grow K after a fully accepted round, shrink it after a rejection (up to --max-draft-tokens)"),
                Option.value("--max-draft-tokens", "K", "upper bound for --adaptive (default 2*K, at most 15)"),
                CliSupport.DRAFT_CONFIDENCE,
                Option.value("--temperature", "T", "0 = greedy, lossless (default 0)"),
                Option.value("--top-k", "K", "top-k filter applied to target and draft (default off)"),
                Option.value("--top-p", "P", "nucleus filter applied to target and draft (default 1: off)"),
                Option.value("--min-p", "P", "min-p filter (default 0: off)"),
                Option.value("--seed", "S", "sampling seed (default 0)"),
                Option.flag("--ignore-eos", "keep generating past end-of-sequence tokens"),
                Option.values("--stop", "TEXT", "stop when the generated text contains TEXT (repeatable)"),
                Option.flag("--json", "print one JSON object with ids, text and the speculation counters"),
                CliSupport.DEVICE,
                Option.value("--threads", "T", "worker threads (default: physical cores)")));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        SamplingConfig sampling = CliSupport.sampling(a);
        int k = CliSupport.checkDraftTokens("--draft-tokens", a.integer("--draft-tokens", 4));
        double confidence = CliSupport.draftConfidence(a);
        CliSupport.requires(a, "--max-draft-tokens", "--adaptive", "only adaptive drafting changes K");
        List<String> stops = CliSupport.stops(a);
        int maxK = a.has("--max-draft-tokens") ? CliSupport.checkDraftTokens("--max-draft-tokens", a.integer("--max-draft-tokens", k))
                : Math.min(2 * k, SpeculativeDecoder.DraftLength.MAX_TOKENS);
        if (maxK < k) throw new UserError("--max-draft-tokens " + maxK + " is below --draft-tokens " + k);
        SpeculativeDecoder.DraftLength len = a.flag("--adaptive")
                ? new SpeculativeDecoder.DraftLength(k, true, maxK, confidence)
                : SpeculativeDecoder.DraftLength.fixed(k).withConfidence(confidence);
        int maxNew = a.integer("--max-new-tokens", 128);
        boolean json = a.flag("--json");
        try (var device = CliSupport.device(a, console); LlamaLoader.Loaded target = LlamaLoader.open(a.path("--target")); LlamaLoader.Loaded draft = LlamaLoader.open(a.path("--draft"))) {
            target.model().useDevice(device);
            DraftCompatibility.check(a.path("--target"), target.model().vocabSize(), a.path("--draft"), draft.model().vocabSize());
            Tokenizer tok = CliSupport.tokenizerIfPresent(a.path("--target"), a.has("--prompt"));
            int[] prompt = CliSupport.prompt(a, CliSupport.promptFormat(a, a.path("--target"), tok), target.model().vocabSize());
            int[] eos = a.flag("--ignore-eos") ? new int[0] : CliSupport.eosIds(target.model(), tok);
            StopRule stop = new StopRule(eos, stops, tok);
            SpeculativeResult r = new SpeculativeDecoder(target.model(), draft.model()).generate(prompt, maxNew, len, sampling, stop::test,
                    id -> {
                        String piece = stop.push(id);
                        if (!json) {
                            console.out().print(piece);
                            console.out().flush();
                        }
                    });
            String rest = stop.finish();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ids", r.ids());
                o.put("text", tok == null ? null : tok.decode(r.ids(), true));
                o.put("acceptance_rate", r.acceptanceRate());
                o.put("block_efficiency", r.blockEfficiency());
                o.put("target_calls", r.targetCalls());
                o.put("draft_calls", r.draftCalls());
                o.put("drafted", r.drafted());
                o.put("accepted", r.accepted());
                o.put("stop_reason", r.stopReason());
                o.put("decode_tokens_per_s", r.decodeTokensPerSecond());
                console.out().println(Json.write(o));
            } else {
                if (tok != null) console.out().println(rest);
                else console.out().println(Json.write(r.ids()));
                console.err().printf(Locale.ROOT, "[%d tokens, %d target calls, acceptance %.1f%%, %.2f tokens per target call, %.1f tok/s]%n",
                        r.ids().length, r.targetCalls(), 100 * r.acceptanceRate(), r.blockEfficiency(), r.decodeTokensPerSecond());
            }
        }
        return 0;
    }
}
