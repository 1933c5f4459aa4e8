package dev.fastdraft.models.tokenizer;

import dev.fastdraft.models.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Trains a byte-level BPE tokenizer in Llama 3's layout (its split regex, the GPT-2 byte alphabet, a BOS
 * template) and writes it as Hugging Face tokenizer.json + tokenizer_config.json, so that every tool that reads
 * Llama 3's tokenizer reads ours.
 *
 * <p>The classic algorithm: count the pre-tokenized words of the text, then repeatedly merge the most frequent
 * adjacent pair of symbols (ties: the pair with the smaller ids), updating the counts only in the words that
 * hold the pair. Ids: the 256 bytes in byte order, then the merges in order, then the special tokens.
 */
public final class BpeTrainer {
    public static final String BOS = "<|begin_of_text|>";
    public static final String EOS = "<|end_of_text|>";
    private static final List<String> SPECIALS = List.of(BOS, EOS);

    private static final PreTokenizer SPLIT = new PreTokenizer.Split(GptSplitPattern.LLAMA3, SplitBehavior.ISOLATED, false);

    private final int vocabSize;
    private final Map<String, long[]> wordCounts = new HashMap<>();
    private long chars;

    /** {@code vocabSize} counts everything: 256 bytes, the merges and the two special tokens. */
    public BpeTrainer(int vocabSize) {
        if (vocabSize < 256 + SPECIALS.size()) {
            throw new IllegalArgumentException("a byte-level vocabulary needs at least " + (256 + SPECIALS.size()) + " entries, got " + vocabSize);
        }
        this.vocabSize = vocabSize;
    }

    /** Counts the words of one document (or any piece of one that ends at a word boundary). */
    public void add(String text) {
        chars += text.length();
        SPLIT.split(text, true, (piece, atStart) ->
                wordCounts.computeIfAbsent(ByteLevelAlphabet.encode(piece), k -> new long[1])[0]++);
    }

    /** Characters of text seen so far. */
    public long chars() {
        return chars;
    }

    /** The trained tokenizer: tokenizer.json and tokenizer_config.json, in that order. */
    public record Trained(String tokenizerJson, String tokenizerConfigJson) {
        public Tokenizer load() {
            return Tokenizer.fromJson(tokenizerJson, tokenizerConfigJson);
        }
    }

    public Trained train() {
        List<String> merges = merges(vocabSize - 256 - SPECIALS.size());
        return new Trained(Json.write(tokenizerJson(merges)), Json.write(tokenizerConfig()));
    }

    /** Merges until the vocabulary holds {@code wanted} symbols beyond the bytes (or nothing is left to merge). */
    private List<String> merges(int wanted) {
        int n = wordCounts.size();
        int[][] words = new int[n][];
        long[] counts = new long[n];
        int w = 0;
        // Sorted, so that the result does not depend on the hash map's iteration order.
        String[] keys = wordCounts.keySet().toArray(String[]::new);
        Arrays.sort(keys);
        for (String k : keys) {
            int[] symbols = new int[k.length()];
            for (int i = 0; i < symbols.length; i++) symbols[i] = ByteLevelAlphabet.byteOf(k.charAt(i));
            words[w] = symbols;
            counts[w++] = wordCounts.get(k)[0];
        }

        List<String> symbolText = new ArrayList<>();
        for (int b = 0; b < 256; b++) symbolText.add(String.valueOf(ByteLevelAlphabet.charOf(b)));
        PairTable pairs = new PairTable();
        for (int i = 0; i < n; i++) pairs.addWord(words[i], counts[i], i);
        pairs.startHeap();

        Map<String, Integer> symbolIds = new HashMap<>();
        for (int b = 0; b < 256; b++) symbolIds.put(symbolText.get(b), b);
        List<String> merges = new ArrayList<>();
        int[] touched = new int[n];
        Arrays.fill(touched, -1);
        while (symbolText.size() < 256 + wanted) {
            long pair = pairs.pollBest();
            if (pair < 0) break; // every word is a single symbol
            int a = (int) (pair >>> 32), b = (int) pair;
            String text = symbolText.get(a) + symbolText.get(b);
            merges.add(symbolText.get(a) + " " + symbolText.get(b));
            // Two merge paths can spell the same string ("ab"+"c", "a"+"bc"): they share one id, as in Hugging Face.
            int id = symbolIds.computeIfAbsent(text, k -> {
                symbolText.add(k);
                return symbolText.size() - 1;
            });
            for (int wi : pairs.wordsWith(pair)) {
                if (touched[wi] == merges.size()) continue; // listed twice
                touched[wi] = merges.size();
                int[] merged = merge(words[wi], a, b, id);
                if (merged == words[wi]) continue; // stale listing: the pair left this word earlier
                pairs.replaceWord(words[wi], merged, counts[wi], wi);
                words[wi] = merged;
            }
            pairs.pushChanged();
        }
        return merges;
    }

    /** {@code word} with every non-overlapping (a, b), left to right, replaced by {@code id}; the same array when none. */
    private static int[] merge(int[] word, int a, int b, int id) {
        int[] out = null;
        int o = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == a && word[i + 1] == b) {
                if (out == null) {
                    out = new int[word.length - 1];
                    System.arraycopy(word, 0, out, 0, i);
                    o = i;
                }
                out[o++] = id;
                i++;
            } else if (out != null) {
                out[o++] = word[i];
            }
        }
        return out == null ? word : Arrays.copyOf(out, o);
    }

    /** Counts of adjacent symbol pairs, the words each pair occurs in, and a lazily updated max-heap. */
    private static final class PairTable {
        private final Map<Long, long[]> counts = new HashMap<>();
        private final Map<Long, int[]> where = new HashMap<>(); // [size, word indices...]
        // Entries {count, pair}; an entry is stale when its count no longer matches the table.
        private final PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) ->
                x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        private final java.util.Set<Long> changed = new java.util.HashSet<>();

        private static long pair(int[] word, int i) {
            return ((long) word[i] << 32) | word[i + 1];
        }

        void addWord(int[] word, long count, int index) {
            for (int i = 0; i + 1 < word.length; i++) {
                long p = pair(word, i);
                counts.computeIfAbsent(p, k -> new long[1])[0] += count;
                if (i == 0 || !occursBefore(word, i, p)) list(p, index);
            }
        }

        /** Swaps a word's pairs for those of its merged form; pairs new to the word list it once. */
        void replaceWord(int[] old, int[] merged, long count, int index) {
            for (int i = 0; i + 1 < old.length; i++) {
                long[] c = counts.get(pair(old, i));
                if (c != null) { // null: the pair being merged, already gone
                    c[0] -= count;
                    changed.add(pair(old, i));
                }
            }
            java.util.Set<Long> before = new java.util.HashSet<>();
            for (int i = 0; i + 1 < old.length; i++) before.add(pair(old, i));
            for (int i = 0; i + 1 < merged.length; i++) {
                long p = pair(merged, i);
                counts.computeIfAbsent(p, k -> new long[1])[0] += count;
                changed.add(p);
                if (before.add(p)) list(p, index);
            }
        }

        private static boolean occursBefore(int[] word, int i, long p) {
            for (int j = 0; j < i; j++) if (pair(word, j) == p) return true;
            return false;
        }

        private void list(long p, int index) {
            int[] l = where.get(p);
            if (l == null) l = new int[4];
            else if (l[0] + 1 == l.length) l = Arrays.copyOf(l, l.length * 2);
            l[++l[0]] = index;
            where.put(p, l);
        }

        /** One heap entry per pair once the initial counts are in. */
        void startHeap() {
            counts.forEach((p, c) -> heap.add(new long[] {c[0], p}));
        }

        /** One new entry for each pair whose count changed in the last merge. */
        void pushChanged() {
            for (long p : changed) {
                long[] c = counts.get(p);
                if (c != null && c[0] > 0) heap.add(new long[] {c[0], p});
            }
            changed.clear();
        }

        long pollBest() {
            while (!heap.isEmpty()) {
                long[] top = heap.poll();
                long[] c = counts.get(top[1]);
                if (c == null || c[0] <= 0) continue;
                if (c[0] == top[0]) return top[1];
                if (c[0] < top[0]) heap.add(new long[] {c[0], top[1]});
            }
            return -1;
        }

        int[] wordsWith(long pair) {
            int[] list = where.remove(pair);
            counts.remove(pair);
            return list == null ? new int[0] : Arrays.copyOfRange(list, 1, list[0] + 1);
        }
    }

    private Map<String, Object> tokenizerJson(List<String> merges) {
        Map<String, Object> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
        for (String m : merges) vocab.putIfAbsent(m.replace(" ", ""), vocab.size());
        List<Object> added = new ArrayList<>();
        for (String s : SPECIALS) added.add(addedToken(vocab.size() + added.size(), s));
        int bosId = vocab.size();

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocab);
        model.put("merges", merges);

        Map<String, Object> split = new LinkedHashMap<>();
        split.put("type", "Split");
        split.put("pattern", ordered("Regex", GptSplitPattern.LLAMA3.regex));
        split.put("behavior", "Isolated");
        split.put("invert", false);
        Map<String, Object> byteLevel = new LinkedHashMap<>();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", true);
        byteLevel.put("use_regex", false);

        Map<String, Object> template = new LinkedHashMap<>();
        template.put("type", "TemplateProcessing");
        template.put("single", List.of(piece("SpecialToken", BOS, 0), piece("Sequence", "A", 0)));
        template.put("pair", List.of(piece("SpecialToken", BOS, 0), piece("Sequence", "A", 0), piece("SpecialToken", BOS, 1), piece("Sequence", "B", 1)));
        template.put("special_tokens", ordered(BOS, ordered("id", BOS, "ids", List.of(bosId), "tokens", List.of(BOS))));

        Map<String, Object> t = new LinkedHashMap<>();
        t.put("version", "1.0");
        t.put("truncation", null);
        t.put("padding", null);
        t.put("added_tokens", added);
        t.put("normalizer", null);
        t.put("pre_tokenizer", ordered("type", "Sequence", "pretokenizers", List.of(split, byteLevel)));
        t.put("post_processor", template);
        t.put("decoder", byteLevel);
        t.put("model", model);
        return t;
    }

    /** A map with the keys in the order given: tokenizer.json comes out byte for byte the same on every run. */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    private static Map<String, Object> piece(String kind, String id, int typeId) {
        return ordered(kind, ordered("id", id, "type_id", typeId));
    }

    private static Map<String, Object> addedToken(int id, String content) {
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

    private static Map<String, Object> tokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bos_token", BOS);
        c.put("eos_token", EOS);
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", 131072);
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        return c;
    }
}
