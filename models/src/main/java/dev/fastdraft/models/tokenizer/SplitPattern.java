package dev.fastdraft.models.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code Split} pre-tokenizer (or {@code Replace} normalizer) searches for: a literal string, a regex,
 * or one of the well-known GPT-2 / Llama 3 / Qwen 2 regexes, which are matched by hand because they run on
 * every character of every corpus.
 */
sealed interface SplitPattern permits SplitPattern.Literal, SplitPattern.Regex, SplitPattern.CharMatch, GptSplitPattern {

    /** Calls {@code sink} for every match, left to right, without overlaps. */
    void forEachMatch(String s, MatchSink sink);

    @FunctionalInterface
    interface MatchSink {
        void match(int start, int end);
    }

    /** A regex as Hugging Face writes it, handled by the hand matcher when it is a well-known one. */
    static SplitPattern regex(String regex) {
        GptSplitPattern known = GptSplitPattern.forRegex(regex);
        return known != null ? known : Regex.compile(regex);
    }

    record Literal(String text) implements SplitPattern {
        @Override
        public void forEachMatch(String s, MatchSink sink) {
            if (text.isEmpty()) return;
            int from = 0;
            int at;
            while ((at = s.indexOf(text, from)) >= 0) {
                sink.match(at, at + text.length());
                from = at + text.length();
            }
        }
    }

    /**
     * A general regex. Oniguruma (which Hugging Face uses) gives {@code \s \w \d} and case-insensitive matching
     * their Unicode meaning, hence UNICODE_CHARACTER_CLASS (which implies UNICODE_CASE).
     */
    record Regex(String source, Pattern pattern) implements SplitPattern {
        static Regex compile(String source) {
            return new Regex(source, Pattern.compile(source, Pattern.UNICODE_CHARACTER_CLASS));
        }

        @Override
        public void forEachMatch(String s, MatchSink sink) {
            Matcher m = pattern.matcher(s);
            while (m.find()) sink.match(m.start(), m.end());
        }
    }

    /**
     * Characters satisfying a predicate, each one a match ({@code single}) or whole runs: how Hugging Face's
     * character-class splits ({@code char::is_numeric}, {@code char::is_whitespace}) see their delimiters.
     */
    record CharMatch(java.util.function.IntPredicate matches, boolean single) implements SplitPattern {
        @Override
        public void forEachMatch(String s, MatchSink sink) {
            CharRuns.forEach(s, matches, single, sink);
        }
    }
}
