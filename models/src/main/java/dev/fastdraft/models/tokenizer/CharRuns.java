package dev.fastdraft.models.tokenizer;

import java.util.function.IntPredicate;

/** Matches of a character predicate, for the pre-tokenizers that split on character classes. */
final class CharRuns {
    private CharRuns() {}

    /** Reports each maximal run of matching characters, or each matching character when {@code single}. */
    static void forEach(String s, IntPredicate matches, boolean single, SplitPattern.MatchSink sink) {
        int i = 0, n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            int w = Character.charCount(cp);
            if (!matches.test(cp)) {
                i += w;
                continue;
            }
            int end = i + w;
            if (!single) {
                while (end < n) {
                    int c = s.codePointAt(end);
                    if (!matches.test(c)) break;
                    end += Character.charCount(c);
                }
            }
            sink.match(i, end);
            i = end;
        }
    }

    /** Rust's {@code is_ascii_punctuation() || is_punctuation()}: ASCII symbols and general category P. */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
