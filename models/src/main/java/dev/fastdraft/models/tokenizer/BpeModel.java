package dev.fastdraft.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Hugging Face's BPE model: splits a pre-tokenized word into characters (with byte fallback and unknown
 * token handling), then applies the merges by rank. Results for short words are cached per thread, because
 * natural text repeats the same few thousand words. Thread-safe.
 */
final class BpeModel {
    /** Words at least this long are not cached (they are rare, and would fill the cache). */
    private static final int CACHE_MAX_WORD_CHARS = 64;
    private static final int CACHE_SLOTS = 1 << 16;

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final MergeTable merges;
    private final String unkToken;
    private final String prefix;
    private final String suffix;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    /** Ids of the {@code <0xHH>} tokens when byte_fallback is on, else null; -1 for a missing byte token. */
    private final int[] byteFallbackIds;
    /** Id of every single-character BMP token, -1 elsewhere; only without prefix/suffix. */
    private final int[] singleCharIds;
    /** Keyed by the word as the model sees it. */
    private final ThreadLocal<WordCache> cache = ThreadLocal.withInitial(() -> new WordCache(CACHE_SLOTS));
    /** Keyed by the raw text of a word whose byte-level form the model sees (see {@link #tokenizeByteLevel}). */
    private final ThreadLocal<WordCache> byteLevelCache = ThreadLocal.withInitial(() -> new WordCache(CACHE_SLOTS));
    /**
     * SentencePiece's word marker '▁' when no merge can ever join across "x▁" (x not '▁'), else -1. Then a
     * word (SentencePiece-style tokenizers without a pre-tokenizer hand the model whole texts) is cut before
     * every such '▁' and the pieces encoded, and cached, one by one, with the same result as encoding it whole.
     */
    private final int wordStart;

    BpeModel(Map<String, Integer> vocab, MergeTable merges, String unkToken, String continuingSubwordPrefix,
             String endOfWordSuffix, boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.unkToken = unkToken;
        this.prefix = continuingSubwordPrefix == null || continuingSubwordPrefix.isEmpty() ? null : continuingSubwordPrefix;
        this.suffix = endOfWordSuffix == null || endOfWordSuffix.isEmpty() ? null : endOfWordSuffix;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        int maxId = -1;
        for (int id : vocab.values()) maxId = Math.max(maxId, id);
        idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) idToToken[e.getValue()] = e.getKey();
        if (byteFallback) {
            byteFallbackIds = new int[256];
            for (int b = 0; b < 256; b++) byteFallbackIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        } else {
            byteFallbackIds = null;
        }
        if (prefix == null && suffix == null) {
            singleCharIds = new int[0x10000];
            Arrays.fill(singleCharIds, -1);
            for (Map.Entry<String, Integer> e : vocab.entrySet()) {
                String k = e.getKey();
                if (k.length() == 1 && !Character.isSurrogate(k.charAt(0))) singleCharIds[k.charAt(0)] = e.getValue();
            }
        } else {
            singleCharIds = null;
        }
        wordStart = prefix == null && suffix == null && !ignoreMerges && mergesNeverCross(vocab, WORD_MARK) ? WORD_MARK : -1;
    }

    private static final char WORD_MARK = '\u2581';

    /**
     * Whether a word can be cut before every {@code mark} that follows another character. Every merged symbol
     * is a vocabulary token, so if no token contains "x" + mark (x not mark), no merge spans such a cut; merges
     * on one side then never affect the other, and the lone mark is in the vocabulary, so unknown-character
     * runs end there too.
     */
    private static boolean mergesNeverCross(Map<String, Integer> vocab, char mark) {
        if (!vocab.containsKey(String.valueOf(mark))) return false;
        for (String token : vocab.keySet()) {
            for (int i = token.indexOf(mark, 1); i > 0; i = token.indexOf(mark, i + 1)) {
                if (token.charAt(i - 1) != mark) return false;
            }
        }
        return true;
    }

    /** Number of entries in the model's vocabulary (Hugging Face's {@code get_vocab_size}). */
    int vocabEntries() {
        return vocab.size();
    }

    /** One more than the largest id of the model's vocabulary. */
    int idLimit() {
        return idToToken.length;
    }

    Integer tokenToId(String token) {
        return vocab.get(token);
    }

    /** The token for an id, or null when the model has no such id. */
    String idToToken(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    /** Appends the ids of one pre-tokenized word. */
    void tokenize(String word, IntList out) {
        if (word.isEmpty()) return;
        if (wordStart >= 0) {
            int from = 0;
            for (int i = word.indexOf(wordStart, 1); i > 0; i = word.indexOf(wordStart, i + 1)) {
                if (word.charAt(i - 1) == wordStart) continue;
                tokenizeRange(word, from, i, out);
                from = i;
            }
            tokenizeRange(word, from, word.length(), out);
            return;
        }
        tokenizeRange(word, 0, word.length(), out);
    }

    private void tokenizeRange(String s, int start, int end, IntList out) {
        if (end - start >= CACHE_MAX_WORD_CHARS) {
            out.addAll(encodeUncached(s.substring(start, end)));
            return;
        }
        WordCache c = cache.get();
        int hash = WordCache.hash(s, start, end);
        int[] ids = c.get(s, start, end, hash); // the cache holds the same answer as the ignore_merges shortcut
        if (ids == null) {
            String word = s.substring(start, end);
            ids = encodeUncached(word);
            c.put(word, hash, ids);
        }
        out.addAll(ids);
    }

    /**
     * Appends the ids of the word {@code raw[start, end)} written in GPT-2's byte-level alphabet. Cached by
     * the raw text, so that a cache hit skips building the byte-level string (the byte-level form is a
     * function of the raw text, so the answer is the same).
     */
    void tokenizeByteLevel(String raw, int start, int end, IntList out) {
        if (start == end) return;
        if (end - start >= CACHE_MAX_WORD_CHARS) {
            out.addAll(encodeUncached(ByteLevelAlphabet.encode(raw.substring(start, end))));
            return;
        }
        WordCache c = byteLevelCache.get();
        int hash = WordCache.hash(raw, start, end);
        int[] ids = c.get(raw, start, end, hash);
        if (ids == null) {
            String word = raw.substring(start, end);
            ids = encodeUncached(ByteLevelAlphabet.encode(word));
            c.put(word, hash, ids);
        }
        out.addAll(ids);
    }

    private int[] encodeUncached(String word) {
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) return new int[] {whole};
        }
        return mergeWord(word);
    }

    private int[] mergeWord(String word) {
        int n = word.length();
        int[] sym = new int[n + 8];
        int count = 0;
        boolean pendingUnk = false;
        int unkId = -1;
        for (int i = 0; i < n; ) {
            int cp = word.codePointAt(i);
            int width = Character.charCount(cp);
            String piece = null;
            int id;
            if (singleCharIds != null && width == 1) {
                id = singleCharIds[cp];
            } else {
                piece = word.substring(i, i + width);
                if (i > 0 && prefix != null) piece = prefix + piece;
                if (i + width == n && suffix != null) piece = piece + suffix;
                Integer boxed = vocab.get(piece);
                id = boxed == null ? -1 : boxed;
            }
            i += width;
            if (id >= 0) {
                if (pendingUnk) {
                    sym = add(sym, count++, unkId);
                    pendingUnk = false;
                }
                sym = add(sym, count++, id);
                continue;
            }
            if (byteFallbackIds != null) {
                if (piece == null) piece = new String(Character.toChars(cp));
                byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
                boolean all = true;
                for (byte b : bytes) all &= byteFallbackIds[b & 0xFF] >= 0;
                if (all) {
                    // Hugging Face adds the byte tokens without first flushing a pending unk token; so do we
                    for (byte b : bytes) sym = add(sym, count++, byteFallbackIds[b & 0xFF]);
                    continue;
                }
            }
            if (unkToken != null) {
                if (unkId < 0) unkId = unkId();
                if (pendingUnk && !fuseUnk) sym = add(sym, count++, unkId);
                pendingUnk = true;
            }
            // without an unk token the character is dropped, as Hugging Face does
        }
        if (pendingUnk) sym = add(sym, count++, unkId);
        if (count == 0) return new int[0];
        return BpeMerger.merge(sym, count, merges);
    }

    private int unkId() {
        Integer id = vocab.get(unkToken);
        if (id == null) throw new IllegalStateException("BPE model: unk_token '" + unkToken + "' is not in the vocabulary, but the text needs it");
        return id;
    }

    private static int[] add(int[] a, int at, int v) {
        if (at == a.length) a = Arrays.copyOf(a, a.length * 2);
        a[at] = v;
        return a;
    }
}
