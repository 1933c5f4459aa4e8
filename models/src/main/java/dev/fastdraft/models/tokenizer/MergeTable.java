package dev.fastdraft.models.tokenizer;

/**
 * The BPE merge rules as a primitive open-addressing hash map: (left id, right id) -> (rank, merged id),
 * both packed into longs. Looked up several times per character of every word, so no boxing.
 */
final class MergeTable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Adds or replaces (a later duplicate merge wins, as in Hugging Face's HashMap collect). */
    void put(int left, int right, int rank, int mergedId) {
        long key = pair(left, right);
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            if (size + 1 > (mask + 1) * 3 / 4) throw new IllegalStateException("MergeTable: more entries than sized for");
            keys[slot] = key;
            size++;
        }
        values[slot] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
    }

    /** (rank << 32 | merged id) of the rule for this pair, or -1 when there is none. */
    long get(int left, int right) {
        long key = pair(left, right);
        int slot = (int) mix(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) return values[slot];
            if (k == EMPTY) return -1L;
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        int slot = (int) mix(key) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    private static long mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
