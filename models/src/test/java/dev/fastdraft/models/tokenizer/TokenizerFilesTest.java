package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.models.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading tokenizer files: what the small test tokenizer encodes, and errors that name the file and the field. */
class TokenizerFilesTest {
    @TempDir
    Path tmp;

    @Test
    void tinyTokenizerEncodesByItsMerges() {
        Tokenizer t = TinyTokenizer.build(TinyTokenizer.json(), null);
        assertArrayEquals(new int[] {TinyTokenizer.BOS, TinyTokenizer.HELLO, TinyTokenizer.SPACE_WORLD}, t.encode("hello world"));
        // "hel" has no merge to "hel": he + l; '!' is byte 0x21
        assertArrayEquals(new int[] {256, 'l', '!'}, t.encode("hel!", false));
        assertArrayEquals(new int[] {TinyTokenizer.HELLO, TinyTokenizer.EOS, TinyTokenizer.HELLO}, t.encode("hello</s>hello", false));
        assertEquals("hello world</s>", t.decode(new int[] {TinyTokenizer.HELLO, TinyTokenizer.SPACE_WORLD, TinyTokenizer.EOS}));
        assertEquals("hello world", t.decode(new int[] {TinyTokenizer.BOS, TinyTokenizer.HELLO, TinyTokenizer.SPACE_WORLD}, true));
        assertEquals(267, t.vocabSize());
    }

    @Test
    void tokenizerConfigFlagsDecideTheSpecialTokens() {
        String config = "{\"bos_token\": \"<s>\", \"eos_token\": {\"content\": \"</s>\", \"__type\": \"AddedToken\"},"
                + " \"add_bos_token\": false, \"add_eos_token\": true}";
        Tokenizer t = TinyTokenizer.build(TinyTokenizer.json(), config);
        assertArrayEquals(new int[] {TinyTokenizer.HELLO, TinyTokenizer.EOS}, t.encode("hello"));
        assertArrayEquals(new int[] {TinyTokenizer.HELLO}, t.encode("hello", false));
        assertEquals(TinyTokenizer.BOS, t.bosId().getAsInt());
        assertArrayEquals(new int[] {TinyTokenizer.EOS}, t.eosIds());
        // without the flags, the post_processor decides
        Tokenizer plain = TinyTokenizer.build(TinyTokenizer.json(), "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        assertArrayEquals(new int[] {TinyTokenizer.BOS, TinyTokenizer.HELLO}, plain.encode("hello"));
    }

    @Test
    void truncationLeavesRoomForSpecialTokensAndPaddingFills() {
        Map<String, Object> json = TinyTokenizer.json();
        json.put("truncation", Map.of("direction", "Right", "max_length", 3, "strategy", "LongestFirst", "stride", 0));
        json.put("padding", Map.of("strategy", Map.of("Fixed", 6), "direction", "Left", "pad_to_multiple_of", 4, "pad_id", 0,
                "pad_type_id", 0, "pad_token", "Ā"));
        Tokenizer t = TinyTokenizer.build(json, null);
        // 3 ids in all, <s> included; then padded on the left to 6, rounded up to a multiple of 4: 8
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, TinyTokenizer.BOS, TinyTokenizer.HELLO, TinyTokenizer.SPACE_WORLD},
                t.encode("hello world hello"));
    }

    /**
     * Hugging Face does not take the {@code id} of an added token from the file: it gives a token already in the
     * vocabulary that id, and any other the next id past the vocabulary (observed with tokenizers 0.21.4: here
     * "</s>" encodes to 266 although the file says 301, and ids 300/301 decode to nothing). We do the same.
     */
    @Test
    void addedTokenIdsAreAssignedLikeHuggingFace() {
        Map<String, Object> json = TinyTokenizer.json();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> added = (List<Map<String, Object>>) json.get("added_tokens");
        added.get(0).put("id", 300);
        added.get(1).put("id", 301);
        Tokenizer t = TinyTokenizer.build(json, null);
        assertArrayEquals(new int[] {TinyTokenizer.HELLO, 266, TinyTokenizer.HELLO}, t.encode("hello</s>hello", false));
        assertArrayEquals(new int[] {265}, t.encode("<s>", false));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {301}));
    }

    @Test
    void unknownComponentTypesAreNamedWithTheirField() {
        assertError(j -> model(j).put("type", "Unigram"), "tokenizer.json: model.type: unknown model type 'Unigram'");
        assertError(j -> j.put("normalizer", Map.of("type", "BertNormalizer")), "tokenizer.json: normalizer.type: unknown normalizer type 'BertNormalizer'");
        assertError(j -> j.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(Map.of("type", "ByteLevel"), Map.of("type", "UnicodeScripts")))),
                "tokenizer.json: pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer type 'UnicodeScripts'");
        assertError(j -> j.put("decoder", Map.of("type", "WordPiece")), "tokenizer.json: decoder.type: unknown decoder type 'WordPiece'");
        assertError(j -> j.put("post_processor", Map.of("type", "Magic")), "tokenizer.json: post_processor.type: unknown post-processor type 'Magic'");
        assertError(j -> j.put("pre_tokenizer", Map.of("type", "Split", "pattern", Map.of("String", " "), "behavior", "Sideways")),
                "tokenizer.json: pre_tokenizer.behavior: unknown split behavior 'Sideways'");
    }

    @Test
    void malformedFieldsAreNamed() {
        assertError(j -> j.remove("model"), "tokenizer.json: model: missing");
        assertError(j -> model(j).remove("vocab"), "tokenizer.json: model.vocab: missing");
        assertError(j -> model(j).put("merges", List.of("h e", "q qq")), "tokenizer.json: model.merges: entry 1");
        assertError(j -> model(j).put("merges", List.of("hex")), "tokenizer.json: model.merges: entry 0 must be two tokens");
        assertError(j -> model(j).put("dropout", 0.1), "tokenizer.json: model.dropout");
        assertError(j -> model(j).put("fuse_unk", "yes"), "tokenizer.json: model.fuse_unk: must be true or false");
        assertError(j -> ((Map<String, Object>) vocab(j)).put("x", -5), "tokenizer.json: model.vocab.x: a token id must be a non-negative integer");
        assertError(j -> j.put("pre_tokenizer", Map.of("type", "Split", "pattern", Map.of("Regex", "(unclosed"), "behavior", "Isolated")),
                "tokenizer.json: pre_tokenizer.pattern.Regex: cannot compile regex");
        assertError(j -> j.put("post_processor", Map.of("type", "TemplateProcessing", "single", List.of(Map.of("SpecialToken", Map.of("id", "[CLS]"))),
                "special_tokens", Map.of())), "tokenizer.json: post_processor.single[0].SpecialToken.id: special token '[CLS]' is not defined");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromJson("{\"model\": [1,", null));
        assertTrue(e.getMessage().startsWith("tokenizer.json: malformed JSON at line 1, column 14"), e.getMessage());
    }

    @Test
    void configErrorsNameTheConfigFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.writeString(dir.resolve("tokenizer.json"), Json.write(TinyTokenizer.json()));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<nope>\"}");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
        assertEquals(dir.resolve("tokenizer_config.json") + ": bos_token: '<nope>' is not a token of tokenizer.json", e.getMessage());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": true}");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
        assertEquals(dir.resolve("tokenizer_config.json") + ": add_bos_token is true but bos_token is not set", e.getMessage());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": }");
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer_config.json") + ": malformed JSON"), e.getMessage());
        Files.delete(dir.resolve("tokenizer_config.json"));
        assertArrayEquals(new int[] {TinyTokenizer.BOS, TinyTokenizer.HELLO}, Tokenizer.load(dir).encode("hello"), "tokenizer_config.json is optional");
    }

    @Test
    void missingTokenizerJsonSaysWhatToDo() {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(tmp));
        assertTrue(e.getMessage().startsWith("no tokenizer.json in " + tmp) && e.getMessage().contains("download tokenizer.json"), e.getMessage());
        e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(tmp.resolve("absent")));
        assertTrue(e.getMessage().startsWith(tmp.resolve("absent") + ": no such directory"), e.getMessage());
    }

    @Test
    void generationConfigAddsEosIds() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("g"));
        Files.writeString(dir.resolve("tokenizer.json"), Json.write(TinyTokenizer.json()));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\": 265, \"eos_token_id\": [266, 7, 266]}");
        Tokenizer t = Tokenizer.load(dir);
        assertArrayEquals(new int[] {266, 7}, t.eosIds());
        assertEquals(265, t.bosId().getAsInt());
    }

    private void assertError(Consumer<Map<String, Object>> edit, String expectedStart) {
        Map<String, Object> json = TinyTokenizer.json();
        edit.accept(json);
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> TinyTokenizer.build(json, null));
        assertTrue(e.getMessage().startsWith(expectedStart), "message: " + e.getMessage() + "\nexpected to start with: " + expectedStart);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> model(Map<String, Object> j) {
        return (Map<String, Object>) j.get("model");
    }

    private static Object vocab(Map<String, Object> j) {
        return model(j).get("vocab");
    }
}
