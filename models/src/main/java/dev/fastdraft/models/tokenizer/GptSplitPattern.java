package dev.fastdraft.models.tokenizer;

/**
 * Hand-written matchers for the three pre-tokenizer regexes that nearly every byte-level BPE model uses.
 * Each method follows the regex's alternatives in order, with the same leftmost-first and backtracking
 * outcome as a regex engine, but without one: about an order of magnitude faster than java.util.regex.
 * The equivalence is tested against java.util.regex and against Hugging Face's Rust tokenizer.
 *
 * <pre>
 * GPT2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * LLAMA3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * QWEN2:  the same as LLAMA3 with \p{N} instead of \p{N}{1,3}
 * </pre>
 */
enum GptSplitPattern implements SplitPattern {
    GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", false, 0),
    LLAMA3("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", true, 3),
    QWEN2("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", true, 1);

    /** The regex exactly as it appears in tokenizer.json. */
    final String regex;
    private final boolean llamaStyle;
    private final int maxDigits;

    GptSplitPattern(String regex, boolean llamaStyle, int maxDigits) {
        this.regex = regex;
        this.llamaStyle = llamaStyle;
        this.maxDigits = maxDigits;
    }

    static GptSplitPattern forRegex(String regex) {
        for (GptSplitPattern p : values()) if (p.regex.equals(regex)) return p;
        return null;
    }

    @Override
    public void forEachMatch(String s, MatchSink sink) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int end = llamaStyle ? matchLlama(s, i, n) : matchGpt2(s, i, n);
            sink.match(i, end); // every character starts a match: the alternatives cover all classes
            i = end;
        }
    }

    private int matchGpt2(String s, int i, int n) {
        int c = s.codePointAt(i);
        int contraction = contraction(s, i, n, false);
        if (contraction > 0) return contraction;
        int cls = CharClass.of(c);
        int start = i;
        if (c == ' ' && i + 1 < n) {
            int next = CharClass.of(s.codePointAt(i + 1));
            if (next != CharClass.SPACE) {
                cls = next;
                start = i + 1;
            }
        }
        if (cls != CharClass.SPACE) return runOf(s, start, n, cls);
        return whitespace(s, i, n, false);
    }

    private int matchLlama(String s, int i, int n) {
        int c = s.codePointAt(i);
        int contraction = contraction(s, i, n, true);
        if (contraction > 0) return contraction;
        int cls = CharClass.of(c);
        int afterC = i + Character.charCount(c);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (cls == CharClass.LETTER) return runOf(s, afterC, n, CharClass.LETTER);
        if (cls != CharClass.NUMBER && c != '\r' && c != '\n' && afterC < n && CharClass.isLetter(s.codePointAt(afterC))) {
            return runOf(s, afterC, n, CharClass.LETTER);
        }
        // \p{N}{1,maxDigits}
        if (cls == CharClass.NUMBER) {
            int end = afterC;
            for (int k = 1; k < maxDigits && end < n; k++) {
                int d = s.codePointAt(end);
                if (!CharClass.isNumber(d)) break;
                end += Character.charCount(d);
            }
            return end;
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int start = -1;
        if (cls == CharClass.OTHER) start = i;
        else if (c == ' ' && afterC < n && CharClass.of(s.codePointAt(afterC)) == CharClass.OTHER) start = afterC;
        if (start >= 0) {
            int end = runOf(s, start, n, CharClass.OTHER);
            while (end < n && (s.charAt(end) == '\r' || s.charAt(end) == '\n')) end++;
            return end;
        }
        return whitespace(s, i, n, true);
    }

    /**
     * At a whitespace character: {@code \s*[\r\n]+} (Llama only), then {@code \s+(?!\S)}, then {@code \s+}.
     */
    private static int whitespace(String s, int i, int n, boolean newlineRule) {
        int runEnd = runOf(s, i, n, CharClass.SPACE);
        if (newlineRule) {
            // \s* backtracks to the last line break of the run; [\r\n]+ then takes just that one
            for (int k = runEnd - 1; k >= i; k--) {
                char ch = s.charAt(k);
                if (ch == '\r' || ch == '\n') return k + 1;
            }
        }
        if (runEnd == n) return runEnd;
        // \s+(?!\S): give back the last whitespace character so that it can lead the next word
        int lastStart = s.offsetByCodePoints(runEnd, -1);
        if (lastStart > i) return lastStart;
        return runEnd; // \s+
    }

    /** End of the run of characters of class {@code cls} starting at {@code i} (which must be in the class). */
    private static int runOf(String s, int i, int n, int cls) {
        int j = i;
        while (j < n) {
            char ch = s.charAt(j);
            if (ch < 0x80) { // ASCII fast path: no surrogates
                if (CharClass.of(ch) != cls) break;
                j++;
            } else {
                int cp = s.codePointAt(j);
                if (CharClass.of(cp) != cls) break;
                j += Character.charCount(cp);
            }
        }
        return j;
    }

    /** 's 't 're 've 'm 'll 'd at i; returns the end, or -1. */
    private static int contraction(String s, int i, int n, boolean ignoreCase) {
        if (s.charAt(i) != '\'' || i + 1 >= n) return -1;
        char a = s.charAt(i + 1);
        if (is(a, 's', ignoreCase) || is(a, 't', ignoreCase) || is(a, 'm', ignoreCase) || is(a, 'd', ignoreCase)) return i + 2;
        if (i + 2 >= n) return -1;
        char b = s.charAt(i + 2);
        if ((is(a, 'r', ignoreCase) || is(a, 'v', ignoreCase)) && is(b, 'e', ignoreCase)) return i + 3;
        if (is(a, 'l', ignoreCase) && is(b, 'l', ignoreCase)) return i + 3;
        return -1;
    }

    /** Case-insensitive compare with Unicode simple case folding: U+017F LONG S folds to 's'. */
    private static boolean is(char c, char lower, boolean ignoreCase) {
        if (c == lower) return true;
        if (!ignoreCase) return false;
        return c == Character.toUpperCase(lower) || (lower == 's' && c == '\u017F');
    }
}
