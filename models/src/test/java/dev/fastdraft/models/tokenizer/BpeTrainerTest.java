package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.models.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
    @TempDir
    Path tmp;

    private static BpeTrainer.Trained train(int vocab, List<String> docs) {
        BpeTrainer t = new BpeTrainer(vocab);
        docs.forEach(t::add);
        return t.train();
    }

    @Test
    void firstMergesAreTheMostFrequentPairs() {
        // Words: "abc" x1, " abc" x3, " ab" x2, " xy" x3. (a, b) 6 goes first; then (Ġ, ab) 5 beats (ab, c) 4;
        // then (Ġab, c), (Ġ, x) and (x, y) tie at 3 and the smaller ids win: Ġ is byte 32, Ġab is id 257.
        var files = train(256 + 3 + 2, List.of("abc abc abc abc ab ab xy xy xy"));
        @SuppressWarnings("unchecked")
        List<Object> merges = (List<Object>) ((Map<String, Object>) Json.parseObject(files.tokenizerJson()).get("model")).get("merges");
        assertEquals(List.of("a b", "Ġ ab", "Ġ x"), merges);
    }

    @Test
    void overlappingRunsMergeLeftToRight() {
        // (a, a) occurs 3 + 2 times; merged left to right "aaaa" is [aa, aa] and "aaa" is [aa, a]. The pairs
        // (aa, aa) and (aa, a) then tie at 1 and the smaller ids win: (256, 97) becomes "aaa" = 257.
        Tokenizer tok = train(256 + 2 + 2, List.of("aaaa", "aaa")).load();
        assertArrayEquals(new int[] {256, 256}, tok.encode("aaaa", false));
        assertArrayEquals(new int[] {257}, tok.encode("aaa", false));
    }

    @Test
    void vocabularyHasExactlyTheRequestedSizeAndRoundTrips() {
        List<String> corpus = new TextGenerator(7).strings(3000);
        var files = train(600, corpus);
        Tokenizer tok = files.load();
        assertEquals(600, tok.vocabSize());
        assertEquals(598, tok.bosId().getAsInt());
        assertArrayEquals(new int[] {599}, tok.eosIds());
        for (String s : new TextGenerator(99).strings(500)) {
            if (!wellFormed(s)) continue; // a lone surrogate decodes as U+FFFD
            int[] ids = tok.encode(s, false);
            assertEquals(s, tok.decode(ids), "round trip of " + s);
        }
        int[] withBos = tok.encode("class A {}");
        assertEquals(598, withBos[0]);
    }

    @Test
    void trainingCompressesText() {
        List<String> corpus = new TextGenerator(3).strings(2000);
        Tokenizer bytesOnly = train(258, corpus).load(), trained = train(1024, corpus).load();
        long byteTokens = 0, tokens = 0;
        for (String s : new TextGenerator(5).strings(300)) {
            byteTokens += bytesOnly.encode(s, false).length;
            tokens += trained.encode(s, false).length;
        }
        assertTrue(byteTokens > 1.5 * tokens, "expected 1.5x fewer tokens than bytes, got " + (double) byteTokens / tokens);
    }

    @Test
    void huggingFaceReadsTheFilesAndEncodesIdentically() throws Exception {
        var files = train(800, new TextGenerator(11).strings(3000));
        Files.writeString(tmp.resolve(Tokenizer.TOKENIZER_JSON), files.tokenizerJson());
        Files.writeString(tmp.resolve(Tokenizer.TOKENIZER_CONFIG_JSON), files.tokenizerConfigJson());
        Tokenizer ours = Tokenizer.load(tmp);
        try (HfReference hf = HfReference.open(tmp.resolve(Tokenizer.TOKENIZER_JSON))) {
            List<String> strings = new TextGenerator(12).strings(800);
            strings.addAll(TextGenerator.edgeCases());
            for (String s : strings) {
                if (!wellFormed(s)) continue; // the JNI binding passes lone surrogates differently
                for (boolean special : new boolean[] {false, true}) {
                    assertArrayEquals(hf.encode(s, special), ours.encode(s, special), "encode " + special + ": " + s);
                }
                int[] ids = ours.encode(s, false);
                assertEquals(hf.decode(ids, false), ours.decode(ids, false), "decode: " + s);
            }
        }
    }

    private static boolean wellFormed(String s) {
        return s.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    }

    @Test
    void sameTextSameTokenizer() {
        List<String> corpus = new TextGenerator(21).strings(1000);
        assertEquals(train(700, corpus).tokenizerJson(), train(700, corpus).tokenizerJson());
    }
}
