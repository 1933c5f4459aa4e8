package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hand-written GPT-2 / Llama 3 / Qwen 2 matchers against java.util.regex running the same regex (with
 * Unicode classes), match for match: generated text, and many short strings over an alphabet of the
 * characters where the alternatives compete (whitespace kinds, line breaks, apostrophes and contraction
 * letters, LONG S, digits of several scripts, astral letters, combining marks).
 */
class GptSplitPatternTest {
    private static final String[] ALPHABET = {" ", " ", "\t", "\n", "\r", "\u00A0", "\u3000", "\u0085", "\u2028", "\u000B", "a", "Z",
        "é", "中", "1", "٣", "½", "Ⅻ", "!", ".", "'", "'", "s", "S", "ſ", "l", "L", "e", "E", "r", "v", "m", "M", "d", "t", "T",
        "😀", "𝔘", "\u0301", "_", "-", "\u200D"};

    @ParameterizedTest
    @EnumSource(GptSplitPattern.class)
    void matchesLikeJavaUtilRegex(GptSplitPattern pattern) {
        SplitPattern.Regex reference = SplitPattern.Regex.compile(pattern.regex);
        List<String> inputs = new ArrayList<>(new TextGenerator(99).strings(3000));
        Random r = new Random(5);
        for (int k = 0; k < 60_000; k++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(14);
            for (int i = 0; i < n; i++) sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
            inputs.add(sb.toString());
        }
        int checked = 0;
        for (String raw : inputs) {
            String s = Utf8.sanitize(raw);
            assertEquals(matches(reference, s), matches(pattern, s), () -> pattern + " on " + TokenizerDifferentialTest.show(s));
            checked++;
        }
        System.out.printf("%s: hand matcher equals java.util.regex on %d strings%n", pattern, checked);
    }

    private static List<String> matches(SplitPattern p, String s) {
        List<String> out = new ArrayList<>();
        p.forEachMatch(s, (start, end) -> out.add(start + ".." + end));
        return out;
    }
}
