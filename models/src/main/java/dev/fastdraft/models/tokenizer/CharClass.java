package dev.fastdraft.models.tokenizer;

/**
 * The character classes the pre-tokenizer regexes of Llama 3, Qwen 2/3 and GPT-2 use, with the Unicode
 * meaning Hugging Face's Oniguruma-based regex gives them: {@code \p{L}} = general category L*,
 * {@code \p{N}} = N*, {@code \s} = the White_Space property (which includes U+0085, U+00A0, U+2007 and
 * U+202F, unlike {@link Character#isWhitespace}). The BMP is a lookup table because the split loop asks for
 * every character.
 */
final class CharClass {
    static final byte OTHER = 0, LETTER = 1, NUMBER = 2, SPACE = 3;

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) BMP[c] = compute(c);
    }

    private CharClass() {}

    static int of(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    static boolean isLetter(int cp) {
        return of(cp) == LETTER;
    }

    static boolean isNumber(int cp) {
        return of(cp) == NUMBER;
    }

    /** Unicode White_Space: regex {@code \s} in Oniguruma and in Rust's regex crate. */
    static boolean isWhiteSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Rust regex {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, join controls. */
    static boolean isWordChar(int cp) {
        if (Character.isAlphabetic(cp)) return true;
        return switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                 Character.DECIMAL_DIGIT_NUMBER, Character.CONNECTOR_PUNCTUATION -> true;
            default -> cp == 0x200C || cp == 0x200D;
        };
    }

    private static byte compute(int cp) {
        if (isWhiteSpace(cp)) return SPACE;
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }
}
