package dev.fastdraft.models.tokenizer;

import dev.fastdraft.models.io.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads tokenizer.json into the pieces of a {@link Tokenizer}; every error names the file and the field. */
final class TokenizerJsonParser {
    private TokenizerJsonParser() {}

    static ConfigNode parseObject(String file, String text) {
        try {
            return new ConfigNode(file, "", Json.parseObject(text));
        } catch (Json.JsonException e) {
            throw new TokenizerFormatException(file + ": " + e.getMessage(), e);
        }
    }

    static Tokenizer parse(String file, String text, TokenizerConfig config, String configFile) {
        ConfigNode root = parseObject(file, text);
        BpeModel model = model(root.object("model"));
        Normalizer normalizer = root.has("normalizer") ? ComponentParser.normalizer(root.object("normalizer")) : null;
        PreTokenizer preTokenizer = root.has("pre_tokenizer") ? ComponentParser.preTokenizer(root.object("pre_tokenizer")) : null;
        PostProcessor post = root.has("post_processor") ? ComponentParser.postProcessor(root.object("post_processor")) : null;
        Decoder decoder = root.has("decoder") ? ComponentParser.decoder(root.object("decoder")) : null;
        List<AddedToken> declared = new ArrayList<>();
        if (root.has("added_tokens")) for (ConfigNode t : root.objects("added_tokens")) declared.add(addedToken(t));
        AddedVocabulary added = new AddedVocabulary(declared, model, normalizer);
        Truncation truncation = root.has("truncation") ? truncation(root.object("truncation")) : null;
        Padding padding = root.has("padding") ? padding(root.object("padding")) : null;

        SpecialIds specials = SpecialIds.resolve(config, configFile, added, model);
        if (config.addBosToken() != null || config.addEosToken() != null) post = specials.template();
        return new Tokenizer(file, model, normalizer, preTokenizer, post, decoder, added, truncation, padding,
                specials.bosId(), specials.eosIds());
    }

    static BpeModel model(ConfigNode m) {
        String type = m.has("type") ? m.string("type") : (m.has("merges") ? "BPE" : null);
        if (type == null) throw m.error("type", "missing, and the model has no merges: only BPE models are supported");
        if (!type.equals("BPE")) {
            throw m.error("type", "unknown model type '" + type + "' (supported: BPE; WordPiece, Unigram and WordLevel are not implemented)");
        }
        double dropout = m.number("dropout", 0);
        if (dropout != 0) throw m.error("dropout", "BPE dropout makes encoding random and is for training only; set it to null");
        ConfigNode v = m.object("vocab");
        Map<String, Integer> vocab = new HashMap<>(v.map().size() * 4 / 3 + 16);
        for (Map.Entry<String, Object> e : v.map().entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
                throw v.error(e.getKey(), "a token id must be a non-negative integer, found " + e.getValue());
            }
            vocab.put(e.getKey(), (int) (long) id);
        }
        String prefix = m.optString("continuing_subword_prefix");
        String suffix = m.optString("end_of_word_suffix");
        MergeTable merges = merges(m, vocab, prefix == null ? 0 : prefix.length());
        return new BpeModel(vocab, merges, m.optString("unk_token"), prefix, suffix, m.bool("fuse_unk", false),
                m.bool("byte_fallback", false), m.bool("ignore_merges", false));
    }

    /** Merges as "a b" strings (older files) or ["a", "b"] pairs (newer files, which allow spaces in tokens). */
    private static MergeTable merges(ConfigNode m, Map<String, Integer> vocab, int prefixLength) {
        List<Object> list = m.has("merges") ? m.list("merges") : List.of();
        MergeTable table = new MergeTable(list.size());
        for (int rank = 0; rank < list.size(); rank++) {
            Object item = list.get(rank);
            String a, b;
            if (item instanceof String s) {
                int space = s.indexOf(' ');
                if (space < 0 || s.indexOf(' ', space + 1) >= 0) {
                    throw m.error("merges", "entry " + rank + " must be two tokens separated by one space, found '" + s + "'");
                }
                a = s.substring(0, space);
                b = s.substring(space + 1);
            } else if (item instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String x && pair.get(1) instanceof String y) {
                a = x;
                b = y;
            } else {
                throw m.error("merges", "entry " + rank + " must be \"a b\" or [\"a\", \"b\"], found " + Json.write(item));
            }
            Integer ida = vocab.get(a), idb = vocab.get(b);
            String merged = a + (prefixLength <= b.length() ? b.substring(prefixLength) : "");
            Integer idm = vocab.get(merged);
            if (ida == null || idb == null || idm == null) {
                String missing = ida == null ? a : idb == null ? b : merged;
                throw m.error("merges", "entry " + rank + " (" + Json.write(item) + ") needs token '" + missing + "', which is not in model.vocab");
            }
            table.put(ida, idb, rank, idm);
        }
        return table;
    }

    private static AddedToken addedToken(ConfigNode t) {
        long id = t.integer("id");
        if (id < 0 || id > Integer.MAX_VALUE) throw t.error("id", "must be a non-negative integer, found " + id);
        return new AddedToken(t.string("content"), (int) id, t.bool("single_word", false), t.bool("lstrip", false),
                t.bool("rstrip", false), t.bool("normalized", true), t.bool("special", false));
    }

    private static Truncation truncation(ConfigNode t) {
        long max = t.integer("max_length");
        if (max < 0 || max > Integer.MAX_VALUE) throw t.error("max_length", "must be a non-negative integer, found " + max);
        return new Truncation((int) max, direction(t));
    }

    private static Padding padding(ConfigNode p) {
        Object strategy = p.raw("strategy");
        int fixed = 0;
        if (strategy instanceof Map<?, ?>) {
            ConfigNode s = p.object("strategy");
            long n = s.integer("Fixed");
            if (n < 0 || n > Integer.MAX_VALUE) throw s.error("Fixed", "must be a non-negative integer, found " + n);
            fixed = (int) n;
        } else if (!"BatchLongest".equals(strategy)) {
            throw p.error("strategy", "must be \"BatchLongest\" or {\"Fixed\": n}, found " + Json.write(strategy));
        }
        long multiple = p.integer("pad_to_multiple_of", 0);
        long padId = p.integer("pad_id", 0);
        return new Padding(fixed, (int) multiple, (int) padId, direction(p));
    }

    private static boolean direction(ConfigNode n) {
        String d = n.has("direction") ? n.string("direction") : "Right";
        return switch (d) {
            case "Right" -> false;
            case "Left" -> true;
            default -> throw n.error("direction", "must be Right or Left, found '" + d + "'");
        };
    }
}
