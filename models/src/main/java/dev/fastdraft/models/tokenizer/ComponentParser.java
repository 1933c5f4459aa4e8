package dev.fastdraft.models.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds normalizers, pre-tokenizers, decoders and post-processors from their tokenizer.json objects.
 * An unknown {@code type} is an error that names it and lists what is supported: never a silent fallback,
 * which would give wrong ids without a word.
 */
final class ComponentParser {
    private ComponentParser() {}

    static Normalizer normalizer(ConfigNode n) {
        String type = n.string("type");
        return switch (type) {
            case "Sequence" -> new Normalizer.Sequence(n.objects("normalizers").stream().map(ComponentParser::normalizer).toList());
            case "NFC" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFC);
            case "NFD" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFD);
            case "NFKC" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> new Normalizer.UnicodeForm(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> new Normalizer.Lowercase();
            case "Strip" -> new Normalizer.Strip(n.bool("strip_left", true), n.bool("strip_right", true));
            case "StripAccents" -> new Normalizer.StripAccents();
            case "Prepend" -> new Normalizer.Prepend(n.string("prepend"));
            case "Replace" -> new Normalizer.Replace(pattern(n.object("pattern")), n.string("content"));
            default -> throw n.error("type", "unknown normalizer type '" + type
                    + "' (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Prepend, Replace)");
        };
    }

    static PreTokenizer preTokenizer(ConfigNode n) {
        String type = n.string("type");
        return switch (type) {
            case "Sequence" -> new PreTokenizer.Sequence(n.objects("pretokenizers").stream().map(ComponentParser::preTokenizer).toList());
            case "Split" -> new PreTokenizer.Split(pattern(n.object("pattern")), SplitBehavior.parse(n, "behavior"), n.bool("invert", false));
            case "ByteLevel" -> new PreTokenizer.ByteLevel(n.bool("add_prefix_space", true), n.bool("use_regex", true));
            case "Metaspace" -> new PreTokenizer.Metaspace(n.codePoint("replacement"), prependScheme(n), n.bool("split", true));
            case "Digits" -> new PreTokenizer.Digits(n.bool("individual_digits", false));
            case "WhitespaceSplit" -> new PreTokenizer.WhitespaceSplit();
            case "Whitespace" -> new PreTokenizer.Split(SplitPattern.Regex.compile("\\w+|[^\\w\\s]+"), SplitBehavior.REMOVED, true);
            case "Punctuation" -> new PreTokenizer.Punctuation(n.has("behavior") ? SplitBehavior.parse(n, "behavior") : SplitBehavior.ISOLATED);
            case "CharDelimiterSplit" -> new PreTokenizer.CharDelimiterSplit(n.codePoint("delimiter"));
            case "BertPreTokenizer" -> new PreTokenizer.Sequence(List.of(new PreTokenizer.WhitespaceSplit(),
                    new PreTokenizer.Punctuation(SplitBehavior.ISOLATED)));
            default -> throw n.error("type", "unknown pre-tokenizer type '" + type + "' (supported: Sequence, Split, ByteLevel, "
                    + "Metaspace, Digits, Whitespace, WhitespaceSplit, Punctuation, CharDelimiterSplit, BertPreTokenizer)");
        };
    }

    static Decoder decoder(ConfigNode n) {
        String type = n.string("type");
        return switch (type) {
            case "Sequence" -> new Decoder.Sequence(n.objects("decoders").stream().map(ComponentParser::decoder).toList());
            case "ByteLevel" -> new Decoder.ByteLevel();
            case "Replace" -> new Decoder.Replace(pattern(n.object("pattern")), n.string("content"));
            case "ByteFallback" -> new Decoder.ByteFallback();
            case "Fuse" -> new Decoder.Fuse();
            case "Strip" -> new Decoder.Strip(n.codePoint("content"), nonNegative(n, "start"), nonNegative(n, "stop"));
            case "Metaspace" -> new Decoder.Metaspace(n.codePoint("replacement"), prependScheme(n) != PreTokenizer.PrependScheme.NEVER);
            case "BPEDecoder" -> new Decoder.BpeSuffix(n.has("suffix") ? n.string("suffix") : "</w>");
            default -> throw n.error("type", "unknown decoder type '" + type
                    + "' (supported: Sequence, ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, BPEDecoder)");
        };
    }

    /** A post-processor, reduced to what it does to the ids of one sequence. */
    static PostProcessor postProcessor(ConfigNode n) {
        String type = n.string("type");
        return switch (type) {
            case "Sequence" -> new PostProcessor.Sequence(n.objects("processors").stream().map(ComponentParser::postProcessor).toList());
            case "TemplateProcessing" -> template(n);
            case "ByteLevel" -> new PostProcessor.IdsUnchanged("ByteLevel");
            case "RobertaProcessing", "BertProcessing" -> new PostProcessor.Template(List.of(
                    new int[] {tokenPairId(n, "cls")}, PostProcessor.Template.SEQUENCE, new int[] {tokenPairId(n, "sep")}));
            default -> throw n.error("type", "unknown post-processor type '" + type
                    + "' (supported: Sequence, TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing)");
        };
    }

    private static PostProcessor template(ConfigNode n) {
        ConfigNode specials = n.object("special_tokens");
        List<int[]> pieces = new ArrayList<>();
        List<ConfigNode> single = n.objects("single");
        for (ConfigNode item : single) {
            if (item.has("Sequence")) {
                ConfigNode seq = item.object("Sequence");
                if (!seq.string("id").equals("A")) throw seq.error("id", "a single-sequence template can only hold sequence A, found '" + seq.string("id") + "'");
                pieces.add(PostProcessor.Template.SEQUENCE);
            } else if (item.has("SpecialToken")) {
                ConfigNode sp = item.object("SpecialToken");
                String name = sp.string("id");
                if (!specials.has(name)) throw sp.error("id", "special token '" + name + "' is not defined in " + specials.path());
                ConfigNode def = specials.object(name);
                List<Object> ids = def.list("ids");
                int[] arr = new int[ids.size()];
                for (int i = 0; i < arr.length; i++) {
                    if (!(ids.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) throw def.error("ids", "must hold non-negative integers, found " + ids.get(i));
                    arr[i] = (int) (long) l;
                }
                pieces.add(arr);
            } else {
                throw item.error("a template piece must be {\"Sequence\": ...} or {\"SpecialToken\": ...}, found keys " + item.map().keySet());
            }
        }
        return new PostProcessor.Template(pieces);
    }

    /** Roberta/Bert processors write their tokens as ["<s>", 0]. */
    private static int tokenPairId(ConfigNode n, String key) {
        List<Object> pair = n.list(key);
        if (pair.size() != 2 || !(pair.get(1) instanceof Long id)) throw n.error(key, "must be [token, id], found " + pair);
        return (int) (long) id;
    }

    /** {"String": "..."} or {"Regex": "..."}. */
    static SplitPattern pattern(ConfigNode p) {
        if (p.has("String")) return new SplitPattern.Literal(p.string("String"));
        if (p.has("Regex")) {
            String re = p.string("Regex");
            try {
                return SplitPattern.regex(re);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw p.error("Regex", "cannot compile regex: " + e.getDescription());
            }
        }
        throw p.error("a pattern must be {\"String\": ...} or {\"Regex\": ...}, found keys " + p.map().keySet());
    }

    /** {@code prepend_scheme} (first/always/never), or the older {@code add_prefix_space} boolean. */
    private static PreTokenizer.PrependScheme prependScheme(ConfigNode n) {
        PreTokenizer.PrependScheme scheme = PreTokenizer.PrependScheme.ALWAYS;
        if (n.has("prepend_scheme")) {
            String s = n.string("prepend_scheme");
            scheme = switch (s) {
                case "first" -> PreTokenizer.PrependScheme.FIRST;
                case "always" -> PreTokenizer.PrependScheme.ALWAYS;
                case "never" -> PreTokenizer.PrependScheme.NEVER;
                default -> throw n.error("prepend_scheme", "must be first, always or never, found '" + s + "'");
            };
        }
        Boolean legacy = n.optBool("add_prefix_space");
        if (Boolean.FALSE.equals(legacy)) {
            if (n.has("prepend_scheme") && scheme != PreTokenizer.PrependScheme.NEVER) {
                throw n.error("add_prefix_space", "false contradicts prepend_scheme '" + n.string("prepend_scheme") + "'");
            }
            scheme = PreTokenizer.PrependScheme.NEVER;
        }
        return scheme;
    }

    private static int nonNegative(ConfigNode n, String key) {
        long v = n.integer(key);
        if (v < 0 || v > Integer.MAX_VALUE) throw n.error(key, "must be a non-negative integer, found " + v);
        return (int) v;
    }
}
