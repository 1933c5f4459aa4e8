package dev.fastdraft.models.tokenizer;

import java.util.Arrays;

/**
 * The ids of recently encoded words, looked up by a range of a larger string so that a hit allocates
 * nothing. Open addressing with linear probing; when it fills up it starts afresh, which keeps it tuned to
 * the current text. Not thread-safe: each thread has its own (see {@link BpeModel}).
 */
final class WordCache {
    private final String[] keys;
    private final int[][] values;
    private final int[] hashes;
    private final int mask;
    private final int maxEntries;
    private int size;

    WordCache(int capacityPowerOfTwo) {
        keys = new String[capacityPowerOfTwo];
        values = new int[capacityPowerOfTwo][];
        hashes = new int[capacityPowerOfTwo];
        mask = capacityPowerOfTwo - 1;
        maxEntries = capacityPowerOfTwo / 2;
    }

    /** Hashes the length, the first 8 and the last 4 characters: enough to spread words, and cheap. */
    static int hash(String s, int start, int end) {
        int h = end - start;
        int head = Math.min(end, start + 8);
        for (int i = start; i < head; i++) h = 31 * h + s.charAt(i);
        for (int i = Math.max(head, end - 4); i < end; i++) h = 31 * h + s.charAt(i);
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /** The cached ids of {@code s[start, end)}, or null. */
    int[] get(String s, int start, int end, int hash) {
        int len = end - start;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            String k = keys[slot];
            if (k == null) return null;
            if (hashes[slot] == hash && k.length() == len && k.regionMatches(0, s, start, len)) return values[slot];
        }
    }

    void put(String key, int hash, int[] ids) {
        if (size >= maxEntries) clear();
        int slot = hash & mask;
        while (keys[slot] != null) {
            if (hashes[slot] == hash && keys[slot].equals(key)) {
                values[slot] = ids;
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        hashes[slot] = hash;
        values[slot] = ids;
        size++;
    }

    private void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        size = 0;
    }
}
