package dev.fastdraft.models.tokenizer;

import dev.fastdraft.models.io.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What transformers reads from tokenizer_config.json (and generation_config.json) on top of tokenizer.json:
 * the names of the BOS/EOS tokens, and {@code add_bos_token}/{@code add_eos_token}, which, when given,
 * decide the special tokens of {@code encode} (transformers' Llama-family tokenizers rebuild their template
 * from them). Both files are optional.
 */
record TokenizerConfig(String bosToken, String eosToken, Boolean addBosToken, Boolean addEosToken,
                       List<Long> generationEosIds, Long generationBosId) {

    static final TokenizerConfig NONE = new TokenizerConfig(null, null, null, null, List.of(), null);

    static TokenizerConfig parse(String file, String text, String generationFile, String generationText) {
        ConfigNode c = text == null ? null : TokenizerJsonParser.parseObject(file, text);
        String bos = c == null ? null : tokenName(c, "bos_token");
        String eos = c == null ? null : tokenName(c, "eos_token");
        Boolean addBos = c == null ? null : c.optBool("add_bos_token");
        Boolean addEos = c == null ? null : c.optBool("add_eos_token");
        List<Long> genEos = new ArrayList<>();
        Long genBos = null;
        if (generationText != null) {
            ConfigNode g = TokenizerJsonParser.parseObject(generationFile, generationText);
            Object e = g.raw("eos_token_id");
            if (e instanceof Long l) genEos.add(l);
            else if (e instanceof List<?> list) {
                for (Object o : list) {
                    if (!(o instanceof Long l)) throw g.error("eos_token_id", "must hold integers, found " + Json.typeName(o));
                    genEos.add(l);
                }
            } else if (e != null) throw g.error("eos_token_id", "must be an integer or a list of integers, found " + Json.typeName(e));
            if (g.has("bos_token_id")) genBos = g.integer("bos_token_id");
        }
        return new TokenizerConfig(bos, eos, addBos, addEos, List.copyOf(genEos), genBos);
    }

    /** A special token is written as a string or as an AddedToken object with {@code content}. */
    private static String tokenName(ConfigNode c, String key) {
        Object v = c.raw(key);
        if (v == null) return null;
        if (v instanceof String s) return s;
        return c.object(key).string("content");
    }
}
