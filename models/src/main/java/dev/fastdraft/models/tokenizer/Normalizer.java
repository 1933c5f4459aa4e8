package dev.fastdraft.models.tokenizer;

import java.util.List;

/**
 * Hugging Face normalizers: text rewrites applied to each stretch of input between added tokens, before
 * pre-tokenization. We produce ids only (no offsets), so a normalizer is a plain string function.
 */
sealed interface Normalizer {
    String normalize(String s);

    /** NFC, NFD, NFKC, NFKD via java.text.Normalizer. */
    record UnicodeForm(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public String normalize(String s) {
            return java.text.Normalizer.normalize(s, form);
        }
    }

    /** Full lowercase mapping per character, without context rules (Rust's {@code char::to_lowercase}). */
    record Lowercase() implements Normalizer {
        @Override
        public String normalize(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == 0x130) sb.append("i\u0307"); // the one unconditional multi-character lowercase mapping
                else sb.appendCodePoint(Character.toLowerCase(cp));
            }
            return sb.toString();
        }
    }

    /** Removes White_Space at either end. */
    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public String normalize(String s) {
            int from = 0, to = s.length();
            if (left) while (from < to && CharClass.isWhiteSpace(s.charAt(from))) from++;
            if (right) while (to > from && CharClass.isWhiteSpace(s.charAt(to - 1))) to--;
            return s.substring(from, to);
        }
    }

    /** Removes combining marks (general category M). */
    record StripAccents() implements Normalizer {
        @Override
        public String normalize(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                int t = Character.getType(cp);
                if (t != Character.NON_SPACING_MARK && t != Character.COMBINING_SPACING_MARK && t != Character.ENCLOSING_MARK) sb.appendCodePoint(cp);
            }
            return sb.toString();
        }
    }

    /** Prepends a string to non-empty text (SentencePiece's leading '▁'). */
    record Prepend(String prefix) implements Normalizer {
        @Override
        public String normalize(String s) {
            return s.isEmpty() ? s : prefix.concat(s);
        }
    }

    /** Replaces every match of a pattern. */
    record Replace(SplitPattern pattern, String content) implements Normalizer {
        @Override
        public String normalize(String s) {
            if (pattern instanceof SplitPattern.Literal lit) return lit.text().isEmpty() ? s : s.replace(lit.text(), content);
            StringBuilder sb = new StringBuilder(s.length());
            int[] last = {0};
            pattern.forEachMatch(s, (start, end) -> {
                sb.append(s, last[0], start).append(content);
                last[0] = end;
            });
            return sb.append(s, last[0], s.length()).toString();
        }
    }

    record Sequence(List<Normalizer> normalizers) implements Normalizer {
        @Override
        public String normalize(String s) {
            for (Normalizer n : normalizers) s = n.normalize(s);
            return s;
        }
    }
}
