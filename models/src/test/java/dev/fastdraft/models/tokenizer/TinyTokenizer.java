package dev.fastdraft.models.tokenizer;

import dev.fastdraft.models.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small byte-level BPE tokenizer.json built in code: the 256 byte characters are ids 0..255 (in byte
 * order), merges build "he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "ld", "Ġworld" (ids 256..264),
 * and {@code <s>} (265) / {@code </s>} (266) are special added tokens; the template adds {@code <s>}.
 */
final class TinyTokenizer {
    static final int HELLO = 259, SPACE_WORLD = 264, BOS = 265, EOS = 266;

    private TinyTokenizer() {}

    static Map<String, Object> json() {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
        String[] merges = {"h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"};
        for (String m : merges) vocab.put(m.replace(" ", ""), vocab.size());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("vocab", vocab);
        model.put("merges", new ArrayList<>(List.of(merges)));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("version", "1.0");
        t.put("truncation", null);
        t.put("padding", null);
        t.put("added_tokens", new ArrayList<>(List.of(added(BOS, "<s>"), added(EOS, "</s>"))));
        t.put("normalizer", null);
        t.put("pre_tokenizer", new LinkedHashMap<>(Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true)));
        t.put("post_processor", new LinkedHashMap<>(Map.of("type", "TemplateProcessing",
                "single", List.of(Map.of("SpecialToken", Map.of("id", "<s>", "type_id", 0)), Map.of("Sequence", Map.of("id", "A", "type_id", 0))),
                "pair", List.of(),
                "special_tokens", Map.of("<s>", Map.of("id", "<s>", "ids", List.of(BOS), "tokens", List.of("<s>"))))));
        t.put("decoder", new LinkedHashMap<>(Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true)));
        t.put("model", model);
        return t;
    }

    static Tokenizer build(Map<String, Object> json, String config) {
        return Tokenizer.fromJson(Json.write(json), config);
    }

    private static Map<String, Object> added(int id, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("content", content);
        m.put("single_word", false);
        m.put("lstrip", false);
        m.put("rstrip", false);
        m.put("normalized", false);
        m.put("special", true);
        return m;
    }
}
