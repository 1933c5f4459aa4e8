package dev.fastdraft.models.chat;

import dev.fastdraft.models.generate.CausalLM;
import dev.fastdraft.models.generate.GenerationResult;
import dev.fastdraft.models.generate.Generator;
import dev.fastdraft.models.generate.PrefixCache;
import dev.fastdraft.models.generate.Sampler;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.generate.SpeculativeResult;
import dev.fastdraft.models.tokenizer.StreamingDecoder;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * A conversation with a model, optionally sped up by a draft: each turn renders the whole conversation with the
 * chat template, as transformers would, and generates the reply from KV caches that already hold what was said
 * before, so a turn costs its new tokens only (the rendered text of earlier turns is reused as far as it is
 * unchanged).
 */
public final class ChatSession {
    private final CausalLM target;
    private final CausalLM draft;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final String system;
    private final IntPredicate isEos;
    private final PrefixCache targetCache;
    private final PrefixCache draftCache;
    private final List<Map<String, Object>> messages = new ArrayList<>();

    /**
     * @param draft   null for plain generation
     * @param context positions each KV cache holds (the conversation plus one reply)
     * @param eos     ids that end a reply
     */
    public ChatSession(CausalLM target, CausalLM draft, Tokenizer tokenizer, ChatTemplate template, String system, int context, int[] eos) {
        this.target = target;
        this.draft = draft;
        this.tokenizer = tokenizer;
        this.template = template;
        this.system = system;
        int[] stop = eos.clone();
        this.isEos = id -> {
            for (int e : stop) if (e == id) return true;
            return false;
        };
        this.targetCache = new PrefixCache(target, context);
        this.draftCache = draft == null ? null : new PrefixCache(draft, context);
        reset();
    }

    /** What one turn produced. {@code speculative} is null without a draft. */
    public record Reply(String text, int[] ids, String stopReason, int promptTokens, int computedPromptTokens,
                        double decodeTokensPerSecond, SpeculativeResult speculative) {}

    /** A turn that does not fit the caches; the conversation is left as it was. */
    public static final class ContextFull extends IllegalArgumentException {
        ContextFull(String message) {
            super(message);
        }
    }

    /**
     * Adds {@code user}'s message, generates the reply (at most {@code maxNewTokens}, fewer if the caches run
     * out), streams its text to {@code onText} and adds it to the conversation.
     */
    public Reply send(String user, int maxNewTokens, SamplingConfig sampling, int draftTokens, Consumer<String> onText) {
        return send(user, maxNewTokens, sampling, SpeculativeDecoder.DraftLength.fixed(draftTokens), onText);
    }

    /** As above, with the draft length (and confidence threshold) of the speculative rounds given in full. */
    public Reply send(String user, int maxNewTokens, SamplingConfig sampling, SpeculativeDecoder.DraftLength len, Consumer<String> onText) {
        messages.add(ChatTemplate.message("user", user));
        int[] prompt;
        int room;
        try {
            prompt = tokenizer.encode(template.render(messages, true, Map.of()), false);
            room = targetCache.capacity() - prompt.length;
            if (room < 1) {
                throw new ContextFull("the conversation would be " + prompt.length + " tokens, leaving no room for a reply within the context of "
                        + targetCache.capacity() + "; start over or allow a longer context");
            }
        } catch (RuntimeException e) {
            messages.remove(messages.size() - 1);
            throw e;
        }
        int maxNew = Math.min(maxNewTokens, room);
        StreamingDecoder stream = tokenizer.streamingDecoder(true);
        StringBuilder text = new StringBuilder();
        java.util.function.IntConsumer onToken = id -> {
            String piece = stream.push(id);
            text.append(piece);
            if (onText != null && !piece.isEmpty()) onText.accept(piece);
        };
        Reply reply;
        if (draft == null) {
            GenerationResult r = Generator.generate(targetCache, prompt, maxNew, new Sampler(sampling), isEos, onToken);
            reply = finish(stream, text, onText, r.ids(), r.stopReason(), prompt.length, r.promptTokens(), r.decodeTokensPerSecond(), null);
        } else {
            SpeculativeResult r = new SpeculativeDecoder(target, draft).generate(targetCache, draftCache, prompt, maxNew,
                    len, sampling, isEos, onToken);
            reply = finish(stream, text, onText, r.ids(), r.stopReason(), prompt.length, r.promptTokens(), r.decodeTokensPerSecond(), r);
        }
        messages.add(ChatTemplate.message("assistant", reply.text()));
        return reply;
    }

    private Reply finish(StreamingDecoder stream, StringBuilder text, Consumer<String> onText, int[] ids, String reason,
                         int promptTokens, int computed, double tokensPerSecond, SpeculativeResult spec) {
        String rest = stream.finish();
        text.append(rest);
        if (onText != null && !rest.isEmpty()) onText.accept(rest);
        return new Reply(text.toString(), ids, reason, promptTokens, computed, tokensPerSecond, spec);
    }

    /** Forgets the conversation (the system message, if any, stays). */
    public void reset() {
        messages.clear();
        if (system != null) messages.add(ChatTemplate.message("system", system));
    }

    /** The conversation so far, as the template sees it. */
    public List<Map<String, Object>> messages() {
        return List.copyOf(messages);
    }
}
