package dev.fastdraft.cli;

import dev.fastdraft.models.chat.ChatSession;
import dev.fastdraft.models.chat.PromptFormat;
import dev.fastdraft.models.chat.TemplateException;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.generate.SpeculativeResult;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.DraftCompatibility;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code chat}: an interactive conversation through the model's chat template, optionally with a draft. */
public final class ChatCommand implements Command {
    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String summary() {
        return "talk to a model through its chat template, one line per turn (with --draft: speculative decoding)";
    }

    @Override
    public List<Option> options() {
        return CliSupport.options(List.of(
                Option.value("--model", "DIR", "Hugging Face model directory with its tokenizer files"),
                Option.value("--draft", "DIR", "a draft of the model (same tokenizer): replies come from speculative decoding"),
                Option.value("--draft-tokens", "K", "tokens drafted per target call with --draft (default 4)"),
                CliSupport.DRAFT_CONFIDENCE,
                Option.value("--system", "TEXT", "system message at the start of the conversation"),
                Option.value("--chat-template", "FILE", "a Jinja chat template to use instead of the model's"),
                Option.value("--context", "N", "positions the KV cache keeps: the conversation plus a reply (default 4096, or the model's context if shorter)"),
                Option.value("--max-new-tokens", "N", "tokens per reply at most (default 512)")), CliSupport.SAMPLING, List.of(
                CliSupport.DEVICE,
                Option.value("--threads", "T", "worker threads (default: physical cores)")));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        SamplingConfig sampling = CliSupport.sampling(a);
        int maxNew = a.integer("--max-new-tokens", 512);
        CliSupport.requires(a, "--draft-tokens", "--draft", "a draft model proposes the tokens");
        CliSupport.requires(a, "--draft-confidence", "--draft", "it ends a draft model's proposals");
        int k = CliSupport.checkDraftTokens("--draft-tokens", a.integer("--draft-tokens", 4));
        if (maxNew < 1) throw new UserError("--max-new-tokens must be >= 1, got " + maxNew);
        SpeculativeDecoder.DraftLength len = SpeculativeDecoder.DraftLength.fixed(k)
                .withConfidence(CliSupport.draftConfidence(a));
        Path dir = a.path("--model");
        try (var device = CliSupport.device(a, console); LlamaLoader.Loaded target = LlamaLoader.open(dir);
             LlamaLoader.Loaded draft = a.has("--draft") ? LlamaLoader.open(a.path("--draft")) : null) {
            target.model().useDevice(device);
            if (draft != null) DraftCompatibility.check(dir, target.model().vocabSize(), a.path("--draft"), draft.model().vocabSize());
            Tokenizer tok = CliSupport.tokenizerIfPresent(dir, true);
            PromptFormat format = CliSupport.chatFormat(a, dir, tok);
            int limit = Math.min(target.model().maxPositions(), draft == null ? Integer.MAX_VALUE : draft.model().maxPositions());
            int context = a.integer("--context", Math.min(4096, limit));
            if (context < 2 || context > limit) throw new UserError("--context must be in [2, " + limit + "] (the model's context), got " + context);
            ChatSession session = new ChatSession(target.model(), draft == null ? null : draft.model(), tok, format.chat(), format.system(),
                    context, CliSupport.eosIds(target.model(), tok));
            console.err().println("chat with " + dir + (draft != null ? " and draft " + a.path("--draft") : "") + " (template: "
                    + format.chat().origin() + "); /reset starts over, /exit or end of input quits");
            BufferedReader in = new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8));
            while (true) {
                console.err().print("> ");
                console.err().flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit") || line.strip().equals("/quit")) break;
                if (line.isBlank()) continue;
                if (line.strip().equals("/reset")) {
                    session.reset();
                    console.err().println("(conversation cleared)");
                    continue;
                }
                ChatSession.Reply r;
                try {
                    r = session.send(line, maxNew, sampling, len, piece -> {
                        console.out().print(piece);
                        console.out().flush();
                    });
                } catch (ChatSession.ContextFull e) {
                    console.err().println(e.getMessage() + ": /reset, or raise --context");
                    continue;
                } catch (TemplateException e) {
                    // e.g. a template that refuses a system message or a role order: say so and take the next line
                    console.err().println("the chat template refused this turn: " + e.getMessage());
                    continue;
                }
                console.out().println();
                console.out().flush();
                console.err().println(stats(r));
            }
        }
        return 0;
    }

    private static String stats(ChatSession.Reply r) {
        String prompt = r.computedPromptTokens() < r.promptTokens()
                ? String.format(Locale.ROOT, "prompt %d tokens, %d of them cached", r.promptTokens(), r.promptTokens() - r.computedPromptTokens())
                : String.format(Locale.ROOT, "prompt %d tokens", r.promptTokens());
        SpeculativeResult s = r.speculative();
        String spec = s == null ? "" : String.format(Locale.ROOT, ", acceptance %.1f%%, %.2f tokens per target call", 100 * s.acceptanceRate(), s.blockEfficiency());
        return String.format(Locale.ROOT, "[%d tokens at %.1f tok/s%s; %s%s]", r.ids().length, r.decodeTokensPerSecond(), spec, prompt,
                "length".equals(r.stopReason()) ? "; cut at --max-new-tokens" : "");
    }
}
