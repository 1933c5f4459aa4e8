package dev.fastdraft.models.tokenizer;

import java.util.List;

/**
 * Hugging Face pre-tokenizers: cut normalized text into the words the model encodes one at a time. Pieces
 * flow through a chain of sinks, so a {@link Sequence} needs no intermediate lists.
 */
sealed interface PreTokenizer {
    void split(String text, boolean atStart, PieceSink sink);

    record Split(SplitPattern pattern, SplitBehavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            behavior.split(text, pattern, invert, atStart, sink);
        }
    }

    /**
     * GPT-2's byte-level step: optionally a leading space and the GPT-2 regex split, then every UTF-8 byte is
     * written as its {@link ByteLevelAlphabet} character.
     */
    record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            if (addPrefixSpace && !text.startsWith(" ")) text = " " + text;
            if (useRegex) {
                SplitBehavior.ISOLATED.split(text, GptSplitPattern.GPT2, false, atStart,
                        (piece, start) -> sink.accept(ByteLevelAlphabet.encode(piece), start));
            } else {
                sink.accept(ByteLevelAlphabet.encode(text), atStart);
            }
        }
    }

    enum PrependScheme { ALWAYS, FIRST, NEVER }

    /** SentencePiece's spaces: ' ' becomes the replacement ('▁'), optionally prepended, then split before each. */
    record Metaspace(int replacement, PrependScheme prependScheme, boolean splitWords) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            String rep = Character.toString(replacement);
            String s = text.replace(" ", rep);
            boolean prepend = switch (prependScheme) {
                case ALWAYS -> !s.startsWith(rep);
                case FIRST -> !s.startsWith(rep) && atStart;
                case NEVER -> false;
            };
            if (prepend) s = rep + s;
            if (splitWords) SplitBehavior.MERGED_WITH_NEXT.split(s, new SplitPattern.Literal(rep), false, atStart, sink);
            else sink.accept(s, atStart);
        }
    }

    /** Runs of numeric characters (Rust's {@code char::is_numeric}: general category N) isolated or one each. */
    record Digits(boolean individualDigits) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            SplitPattern digits = new SplitPattern.CharMatch(CharClass::isNumber, individualDigits);
            (individualDigits ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS).split(text, digits, false, atStart, sink);
        }
    }

    /** Splits on White_Space, dropping it. */
    record WhitespaceSplit() implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            SplitPattern spaces = new SplitPattern.CharMatch(CharClass::isWhiteSpace, false);
            SplitBehavior.REMOVED.split(text, spaces, false, atStart, sink);
        }
    }

    /** Punctuation characters (ASCII punctuation or general category P) handled by a split behavior. */
    record Punctuation(SplitBehavior behavior) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            SplitPattern punct = new SplitPattern.CharMatch(CharRuns::isPunctuation, true);
            behavior.split(text, punct, false, atStart, sink);
        }
    }

    /** One delimiter character, removed. */
    record CharDelimiterSplit(int delimiter) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            SplitBehavior.REMOVED.split(text, new SplitPattern.Literal(Character.toString(delimiter)), false, atStart, sink);
        }
    }

    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        @Override
        public void split(String text, boolean atStart, PieceSink sink) {
            run(0, text, atStart, sink);
        }

        private void run(int step, String text, boolean atStart, PieceSink sink) {
            if (step == steps.size()) sink.accept(text, atStart);
            else steps.get(step).split(text, atStart, (piece, start) -> run(step + 1, piece, start, sink));
        }
    }
}
