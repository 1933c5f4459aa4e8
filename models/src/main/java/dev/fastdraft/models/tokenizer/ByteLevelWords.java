package dev.fastdraft.models.tokenizer;

import java.util.List;

/**
 * The pre-tokenizer shape of nearly every byte-level BPE model, run without building intermediate strings:
 * {@code Sequence[Split(regex, Isolated), ByteLevel(use_regex: false)]} (Llama 3, Qwen 2/3) or
 * {@code ByteLevel(use_regex: true)} (GPT-2). Words are handed to the model as ranges of the text, and the
 * model caches them by their raw text. Produces exactly what the general pre-tokenizer chain produces.
 */
record ByteLevelWords(SplitPattern pattern, boolean addPrefixSpace) {

    /** The fast form of a pre-tokenizer, or null when it has another shape. */
    static ByteLevelWords of(PreTokenizer p) {
        if (p instanceof PreTokenizer.Sequence(List<PreTokenizer> steps) && steps.size() == 1) p = steps.getFirst();
        if (p instanceof PreTokenizer.ByteLevel(boolean prefix, boolean useRegex) && useRegex) {
            return new ByteLevelWords(GptSplitPattern.GPT2, prefix);
        }
        if (p instanceof PreTokenizer.Sequence(List<PreTokenizer> steps) && steps.size() == 2
                && steps.get(0) instanceof PreTokenizer.Split(SplitPattern pattern, SplitBehavior behavior, boolean invert)
                && behavior == SplitBehavior.ISOLATED && !invert
                && steps.get(1) instanceof PreTokenizer.ByteLevel(boolean prefix, boolean useRegex) && !prefix && !useRegex) {
            return new ByteLevelWords(pattern, false);
        }
        return null;
    }

    void encode(String text, BpeModel model, IntList ids) {
        String t = addPrefixSpace && !text.startsWith(" ") ? " " + text : text;
        int[] prev = {0};
        pattern.forEachMatch(t, (start, end) -> {
            model.tokenizeByteLevel(t, prev[0], start, ids); // text between matches is a word too (Isolated)
            model.tokenizeByteLevel(t, start, end, ids);
            prev[0] = end;
        });
        model.tokenizeByteLevel(t, prev[0], t.length(), ids);
    }
}
