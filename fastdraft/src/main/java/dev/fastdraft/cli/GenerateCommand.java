package dev.fastdraft.cli;

import dev.fastdraft.models.generate.GenerationResult;
import dev.fastdraft.models.generate.Generator;
import dev.fastdraft.models.generate.Sampler;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code generate}: text generation with a KV cache, greedy or sampled, streamed to the terminal. */
public final class GenerateCommand implements Command {
    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "generate text from --prompt or --ids (greedy with --temperature 0)";
    }

    @Override
    public List<Option> options() {
        return CliSupport.options(List.of(
                Option.value("--model", "DIR", "Hugging Face model directory"),
                Option.value("--prompt", "TEXT", "prompt text (tokenized with the model's tokenizer, special tokens added as its config says)"),
                Option.value("--ids", "1,2,3", "prompt token ids, used as given")), CliSupport.CHAT, List.of(
                Option.value("--max-new-tokens", "N", "tokens to generate (default 128)")), CliSupport.SAMPLING, List.of(
                Option.flag("--ignore-eos", "keep generating past end-of-sequence tokens"),
                Option.values("--stop", "TEXT", "stop when the generated text contains TEXT (repeatable)"),
                Option.flag("--json", "print one JSON object with ids, text and speeds instead of streaming"),
                CliSupport.DEVICE,
                Option.value("--threads", "T", "worker threads (default: physical cores)")));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        SamplingConfig sampling = CliSupport.sampling(a);
        int maxNew = a.integer("--max-new-tokens", 128);
        List<String> stops = CliSupport.stops(a);
        boolean json = a.flag("--json");
        try (var device = CliSupport.device(a, console); LlamaLoader.Loaded loaded = LlamaLoader.open(a.path("--model"))) {
            loaded.model().useDevice(device);
            LlamaModel model = loaded.model();
            Tokenizer tok = CliSupport.tokenizerIfPresent(a.path("--model"), a.has("--prompt"));
            int[] prompt = CliSupport.prompt(a, CliSupport.promptFormat(a, a.path("--model"), tok), model.vocabSize());
            int[] eos = a.flag("--ignore-eos") ? new int[0] : CliSupport.eosIds(model, tok);
            StopRule stop = new StopRule(eos, stops, tok);
            GenerationResult r = Generator.generate(model, prompt, maxNew, new Sampler(sampling), stop::test,
                    id -> {
                        String piece = stop.push(id);
                        if (!json) {
                            console.out().print(piece);
                            console.out().flush();
                        }
                    });
            String rest = stop.finish();
            if (!json) console.out().print(rest);
            // with no new token the prompt is not run at all: its "rate" would be the prompt length over a few nanoseconds
            double prefillRate = r.ids().length == 0 ? 0 : r.prefillTokensPerSecond();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ids", r.ids());
                o.put("text", tok == null ? null : tok.decode(r.ids(), true));
                o.put("prompt_tokens", prompt.length);
                o.put("stop_reason", r.stopReason());
                o.put("prefill_tokens_per_s", prefillRate);
                o.put("decode_tokens_per_s", r.decodeTokensPerSecond());
                console.out().println(Json.write(o));
            } else {
                console.out().println();
                if (r.ids().length == 0) console.err().printf("[%d prompt tokens, no new tokens asked for]%n", prompt.length);
                else console.err().printf(java.util.Locale.ROOT, "[%d prompt tokens at %.1f tok/s, %d new tokens at %.1f tok/s, stop: %s]%n",
                        prompt.length, prefillRate, r.ids().length, r.decodeTokensPerSecond(), r.stopReason());
            }
        }
        return 0;
    }
}
