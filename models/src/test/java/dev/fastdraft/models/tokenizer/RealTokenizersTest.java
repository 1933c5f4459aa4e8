package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Hand-checked ids of the three real tokenizers. Byte-level tokens are checkable by eye: 'ð' is byte F0,
 * 'Ġ' a space, 'Ł' 9F; Mistral's {@code <0xHH>} token is id 3 + HH.
 */
class RealTokenizersTest {

    @Test
    void llama3() {
        Tokenizer t = SharedTokenizers.load(SharedTokenizers.LLAMA3);
        assertArrayEquals(new int[] {128000, 9906, 1917}, t.encode("Hello world"));
        assertArrayEquals(new int[] {9906, 1917}, t.encode("Hello world", false));
        assertEquals(List.of("Hello", "Ġworld"), List.of(t.idToToken(9906), t.idToToken(1917)));
        // digits go in groups of at most three; the space before "ok" stays alone ("\s+(?!\S)")
        assertArrayEquals(new int[] {4513, 10961, 22}, t.encode("1234567", false));
        assertArrayEquals(new int[] {128000, 9906, 1174, 1917, 0, 220, 5509}, t.encode("Hello , world!  ok"));
        // U+1FAE0 is not in the vocabulary: F0 9F | AB | A0
        assertArrayEquals(new int[] {9468, 104, 254}, t.encode("🫠", false));
        assertEquals(List.of("ðŁ", "«", "ł"), tokens(t, 9468, 104, 254));
        // special tokens are cut out before the regex; "<s>" is no special token here
        assertArrayEquals(new int[] {128000, 128000, 9906, 128009}, t.encode("<|begin_of_text|>Hello<|eot_id|>"));
        assertArrayEquals(new int[] {865, 45147, 83344, 524, 82, 29, 83739, 318, 6345, 91, 29, 89}, t.encode(" x<s>y</s> <|im_end|>z", false));
        assertEquals(128256, t.vocabSize());
        assertEquals(OptionalInt.of(128000), t.bosId());
        assertArrayEquals(new int[] {128009}, t.eosIds());
        assertTrue(t.isSpecial(128000));
        assertFalse(t.isSpecial(9906));
    }

    @Test
    void mistral() {
        Tokenizer t = SharedTokenizers.load(SharedTokenizers.MISTRAL);
        assertArrayEquals(new int[] {1, 22557, 1526}, t.encode("Hello world"));
        assertEquals(List.of("▁Hello", "▁world"), tokens(t, 22557, 1526));
        // byte fallback: U+13000 is F0 93 80 80 -> <0xF0> <0x93> <0x80> <0x80> = 3 + byte
        assertArrayEquals(new int[] {28705, 3 + 0xF0, 3 + 0x93, 3 + 0x80, 3 + 0x80}, t.encode("𓀀", false));
        assertEquals("<0xF0>", t.idToToken(243));
        // the Prepend normalizer runs on each stretch between special tokens: "y" becomes "▁y"
        assertArrayEquals(new int[] {1, 28705, 1318, 1, 337, 2, 28705, 523, 28766, 321, 28730, 416, 28766, 28767, 28764},
                t.encode(" x<s>y</s> <|im_end|>z"));
        assertArrayEquals(new int[] {1}, t.encode(""));
        assertEquals(32000, t.vocabSize());
        assertEquals(OptionalInt.of(1), t.bosId());
        assertArrayEquals(new int[] {2}, t.eosIds());
        // decoding: Replace '▁' -> ' ', ByteFallback, Fuse, Strip one leading space
        assertEquals("Hello world", t.decode(new int[] {1, 22557, 1526}, true));
        assertEquals("<s> Hello world", t.decode(new int[] {1, 22557, 1526}));
        assertEquals("𓀀", t.decode(t.encode("𓀀"), true));
    }

    @Test
    void qwen3() {
        Tokenizer t = SharedTokenizers.load(SharedTokenizers.QWEN3);
        assertArrayEquals(new int[] {9707, 1879}, t.encode("Hello world")); // no BOS: the post-processor adds nothing
        assertArrayEquals(new int[] {16, 17, 18, 19, 20, 21, 22}, t.encode("1234567")); // one digit per piece
        assertArrayEquals(new int[] {856, 44047, 82244, 522, 82, 29, 220, 151645, 89}, t.encode(" x<s>y</s> <|im_end|>z"));
        // NFC: e + COMBINING ACUTE is encoded as é
        assertArrayEquals(t.encode("café"), t.encode("cafe\u0301"));
        assertEquals(151669, t.vocabSize());
        assertEquals(OptionalInt.empty(), t.bosId());
        assertArrayEquals(new int[] {151645}, t.eosIds());
        assertFalse(t.isSpecial(t.tokenToId("<think>").getAsInt()), "<think> is an added token but not special");
        assertEquals(" x<s>y</s> z", t.decode(t.encode(" x<s>y</s> <|im_end|>z"), true));
    }

    @Test
    void roundTripsAreLossless() {
        List<String> texts = new TextGenerator(3).strings(1500).stream()
                .filter(s -> !s.contains("<") && Utf8.sanitize(s).equals(s)).toList();
        Tokenizer llama = SharedTokenizers.load(SharedTokenizers.LLAMA3);
        Tokenizer qwen = SharedTokenizers.load(SharedTokenizers.QWEN3);
        Tokenizer mistral = SharedTokenizers.load(SharedTokenizers.MISTRAL);
        for (String s : texts) {
            assertEquals(s, llama.decode(llama.encode(s), true));
            assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), qwen.decode(qwen.encode(s), true));
            assertEquals(s, mistral.decode(mistral.encode(s), true));
        }
        assertTrue(texts.size() > 1000, "enough texts without special tokens: " + texts.size());
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        Tokenizer t = SharedTokenizers.load(SharedTokenizers.QWEN3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {9707, 151669}));
        assertTrue(e.getMessage().contains("151669") && e.getMessage().contains("0..151668"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> t.idToToken(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> t.streamingDecoder().push(200_000));
    }

    @Test
    void unpairedSurrogatesReadAsReplacementCharacter() {
        Tokenizer t = SharedTokenizers.load(SharedTokenizers.LLAMA3);
        assertArrayEquals(t.encode("a\uFFFDb"), t.encode("a\uD800b"));
        assertArrayEquals(t.encode("\uFFFD😀"), t.encode("\uDE00😀"));
    }

    /** One tokenizer shared by several threads (each with its own word cache) gives the sequential ids. */
    @Test
    void concurrentEncodingGivesTheSameIds() throws Exception {
        Tokenizer t = SharedTokenizers.load(SharedTokenizers.QWEN3);
        List<String> texts = new TextGenerator(21).strings(2000);
        List<int[]> expected = texts.stream().map(t::encode).toList();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<int[]>> futures = new java.util.ArrayList<>();
            for (int round = 0; round < 3; round++) for (String s : texts) futures.add(pool.submit(() -> t.encode(s)));
            for (int i = 0; i < futures.size(); i++) assertArrayEquals(expected.get(i % texts.size()), futures.get(i).get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> tokens(Tokenizer t, int... ids) {
        return java.util.Arrays.stream(ids).mapToObj(t::idToToken).toList();
    }
}
