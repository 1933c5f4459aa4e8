package dev.fastdraft.models.tokenizer;

/**
 * Applies BPE merges to one word: repeatedly merges the adjacent pair with the lowest rank (leftmost on
 * ties) over a linked list of symbols, with a min-heap of candidate pairs keyed by (rank, position). Stale
 * heap entries are recognised because the pair at a position only ever grows, so its rank changes.
 * O(n log n) per word, the same order of merges as Hugging Face's {@code Word::merge_all}.
 */
final class BpeMerger {
    private BpeMerger() {}

    /** Merges {@code ids[0..n)} in place of a copy and returns the resulting ids. */
    static int[] merge(int[] ids, int n, MergeTable merges) {
        if (n == 1) return new int[] {ids[0]};
        int[] sym = java.util.Arrays.copyOf(ids, n);
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] dead = new boolean[n];
        long[] heap = new long[Math.max(4, n)];
        int heapSize = 0;
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (int i = 0; i + 1 < n; i++) {
            long rule = merges.get(sym[i], sym[i + 1]);
            if (rule >= 0) {
                if (heapSize == heap.length) heap = java.util.Arrays.copyOf(heap, heapSize * 2);
                heapSize = push(heap, heapSize, key(rule, i));
            }
        }
        int alive = n;
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = pop(heap, heapSize);
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (dead[pos]) continue;
            int right = next[pos];
            if (right < 0) continue;
            long rule = merges.get(sym[pos], sym[right]);
            if (rule < 0 || (int) (rule >>> 32) != rank) continue; // stale: this pair has changed since
            sym[pos] = (int) rule;
            dead[right] = true;
            alive--;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) prev[after] = pos;
            if (heapSize + 2 > heap.length) heap = java.util.Arrays.copyOf(heap, heap.length * 2);
            int before = prev[pos];
            if (before >= 0) {
                long r = merges.get(sym[before], sym[pos]);
                if (r >= 0) heapSize = push(heap, heapSize, key(r, before));
            }
            if (after >= 0) {
                long r = merges.get(sym[pos], sym[after]);
                if (r >= 0) heapSize = push(heap, heapSize, key(r, pos));
            }
        }
        int[] out = new int[alive];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) out[k++] = sym[i];
        return out;
    }

    private static long key(long rule, int pos) {
        return (rule & 0xFFFFFFFF00000000L) | pos;
    }

    private static int push(long[] heap, int size, long v) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return size + 1;
    }

    private static int pop(long[] heap, int size) {
        int last = size - 1;
        long v = heap[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) break;
            if (child + 1 < last && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= v) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
        return last;
    }
}
