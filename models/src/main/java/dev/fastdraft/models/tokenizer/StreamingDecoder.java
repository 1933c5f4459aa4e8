package dev.fastdraft.models.tokenizer;

import java.util.List;

/**
 * Decodes ids one at a time, as a model generates them, and emits text that never ends in the middle of a
 * character: bytes of an incomplete UTF-8 sequence (a byte-level or {@code <0xHH>} token holding only part of
 * a character) stay buffered until the token that completes them arrives.
 *
 * <p>Each step decodes a small window: the tokens emitted last step (as context, so that decoders which treat
 * the first token specially, like Strip and Metaspace, see the new tokens as they would in the full text,
 * and byte-fallback runs stay whole) plus the new ones, and emits the difference. The concatenation of everything emitted equals
 * {@code decode(allIds)}, except where a later token changes how earlier ones decode (only a byte-fallback
 * run that turns out not to be valid UTF-8); then what was emitted stays and the new tokens are decoded on
 * their own. Not thread-safe: one per generated sequence.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] window = new int[16];
    private int size;
    /** window[0..context) has been emitted already; it decodes to {@link #contextText}. */
    private int context;
    private String contextText = "";

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /**
     * Adds one id and returns the text that is now complete (possibly empty).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String push(int id) {
        tokenizer.idToToken(id); // validates before anything changes
        if (size == window.length) window = java.util.Arrays.copyOf(window, size * 2);
        window[size++] = id;
        List<String> tokens = tokenizer.tokensOf(window, 0, size, skipSpecialTokens);
        if (tokenizer.endsMidCharacter(tokens)) return "";
        return emit(tokens);
    }

    /** Ends the sequence: returns whatever is still buffered (an incomplete character becomes U+FFFD). */
    public String finish() {
        String out = size > context ? emit(tokenizer.tokensOf(window, 0, size, skipSpecialTokens)) : "";
        size = 0;
        context = 0;
        contextText = "";
        return out;
    }

    private String emit(List<String> tokens) {
        String full = tokenizer.decodeTokens(tokens);
        String delta;
        if (full.startsWith(contextText)) {
            delta = full.substring(contextText.length());
        } else {
            delta = tokenizer.decodeTokens(tokenizer.tokensOf(window, context, size, skipSpecialTokens));
        }
        // the tokens just emitted become the context of the next step, unless all of them are skipped special
        // tokens: then the older context stays, so that the next visible token is not mistaken for the first
        int drop = tokenizer.tokensOf(window, context, size, skipSpecialTokens).isEmpty() ? 0 : context;
        System.arraycopy(window, drop, window, 0, size - drop);
        size -= drop;
        context = size;
        contextText = tokenizer.decodeTokens(tokenizer.tokensOf(window, 0, size, skipSpecialTokens));
        return delta;
    }
}
