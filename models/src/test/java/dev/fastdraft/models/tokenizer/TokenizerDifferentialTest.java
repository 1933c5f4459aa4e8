package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our tokenizers against Hugging Face's Rust implementation on the three real tokenizers: thousands of
 * generated strings (fixed seed), ids with and without special tokens, and decoding of our ids (with and
 * without skipping special tokens) and of random id sequences. Strings with unpaired surrogates go to the
 * reference as U+FFFD, which is how we read them (DJL's JNI would mangle them).
 */
class TokenizerDifferentialTest {
    static final int STRINGS = Integer.getInteger("fastdraft.tokenizer.diffStrings", 4000);

    @ParameterizedTest
    @ValueSource(strings = {SharedTokenizers.LLAMA3, SharedTokenizers.MISTRAL, SharedTokenizers.QWEN3})
    void idsAndDecodingMatchHuggingFace(String name) {
        Path dir = SharedTokenizers.dir(name);
        Tokenizer ours = SharedTokenizers.load(name);
        try (HfReference ref = HfReference.open(dir)) {
            List<String> strings = new TextGenerator(20240611L).strings(STRINGS);
            List<String> failures = new ArrayList<>();
            long chars = 0;
            for (String s : strings) {
                chars += s.length();
                String refInput = Utf8.sanitize(s);
                for (boolean special : new boolean[] {true, false}) {
                    int[] got = ours.encode(s, special), want = ref.encode(refInput, special);
                    if (!Arrays.equals(got, want)) {
                        failures.add("encode(special=" + special + ") " + show(s) + "\n   ours " + Arrays.toString(got) + "\n   HF   " + Arrays.toString(want));
                    }
                }
                int[] ids = ours.encode(s, true);
                for (boolean skip : new boolean[] {false, true}) {
                    String got = ours.decode(ids, skip), want = ref.decode(ids, skip);
                    if (!got.equals(want)) failures.add("decode(skip=" + skip + ") of " + show(s) + "\n   ours " + show(got) + "\n   HF   " + show(want));
                }
            }
            System.out.printf("differential %s: %d strings (%d chars), %d mismatches%n", name, strings.size(), chars, failures.size());
            assertEquals(List.of(), failures.subList(0, Math.min(8, failures.size())), failures.size() + " mismatches against Hugging Face");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {SharedTokenizers.LLAMA3, SharedTokenizers.MISTRAL, SharedTokenizers.QWEN3})
    void decodingRandomIdsMatchesHuggingFace(String name) {
        Path dir = SharedTokenizers.dir(name);
        Tokenizer ours = SharedTokenizers.load(name);
        try (HfReference ref = HfReference.open(dir)) {
            Random r = new Random(7);
            List<String> failures = new ArrayList<>();
            int sequences = 1500;
            for (int k = 0; k < sequences; k++) {
                int[] ids = new int[1 + r.nextInt(12)];
                for (int i = 0; i < ids.length; i++) {
                    // mostly the low ids: single bytes (byte-level) and <0xHH> tokens, which exercise broken UTF-8
                    ids[i] = r.nextInt(3) == 0 ? r.nextInt(ours.vocabSize()) : r.nextInt(300);
                }
                for (boolean skip : new boolean[] {false, true}) {
                    String got = ours.decode(ids, skip), want = ref.decode(ids, skip);
                    if (!got.equals(want)) failures.add("decode(skip=" + skip + ") " + Arrays.toString(ids) + "\n   ours " + show(got) + "\n   HF   " + show(want));
                }
            }
            System.out.printf("differential decode %s: %d random id sequences, %d mismatches%n", name, sequences, failures.size());
            assertEquals(List.of(), failures.subList(0, Math.min(8, failures.size())), failures.size() + " mismatches against Hugging Face");
        }
    }

    /** Java-escaped, so that whitespace and invisible characters show in failure messages. */
    static String show(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') sb.append(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\t') sb.append("\\t");
            else if (c == '\r') sb.append("\\r");
            else if (c > 0x7F && !Character.isWhitespace(c) && !Character.isSurrogate(c) && Character.getType(c) != Character.FORMAT
                    && Character.getType(c) != Character.NON_SPACING_MARK && c != 0xA0 && c != 0x85) sb.append(c);
            else sb.append(String.format("\\u%04X", (int) c));
        }
        if (s.length() > 300) return sb.substring(0, 300) + "...\"(" + s.length() + " chars)";
        return sb.append('"').toString();
    }
}
