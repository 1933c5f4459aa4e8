package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The heap-based merge loop against the plain definition of BPE: repeatedly find the adjacent pair with the
 * lowest rank (leftmost on ties) and merge it, until no pair has a rule. Random merge tables over a small
 * alphabet, so that chains, overlaps ("aaaa") and competing ranks are common; words of length 1 to 300.
 */
class BpeMergerTest {

    @Test
    void matchesNaiveBpe() {
        Random r = new Random(17);
        for (int trial = 0; trial < 300; trial++) {
            int alphabet = 2 + r.nextInt(5);
            int rules = 1 + r.nextInt(40);
            MergeTable table = new MergeTable(rules);
            long[][] naive = new long[rules][]; // {left, right, merged}
            int next = alphabet;
            for (int rank = 0; rank < rules; rank++) {
                int a = r.nextInt(next), b = r.nextInt(next);
                naive[rank] = new long[] {a, b, next};
                table.put(a, b, rank, next);
                next++;
            }
            // a later duplicate of a pair replaces the earlier one, rank included
            List<long[]> effective = new ArrayList<>();
            for (int rank = 0; rank < rules; rank++) {
                boolean overridden = false;
                for (int later = rank + 1; later < rules; later++) {
                    overridden |= naive[later][0] == naive[rank][0] && naive[later][1] == naive[rank][1];
                }
                if (!overridden) effective.add(new long[] {naive[rank][0], naive[rank][1], naive[rank][2], rank});
            }
            for (int w = 0; w < 20; w++) {
                int n = 1 + r.nextInt(r.nextBoolean() ? 12 : 300);
                int[] word = new int[n];
                for (int i = 0; i < n; i++) word[i] = r.nextInt(alphabet);
                assertArrayEquals(naiveMerge(word, effective), BpeMerger.merge(word, n, table), "trial " + trial);
            }
        }
    }

    private static int[] naiveMerge(int[] word, List<long[]> rules) {
        List<Integer> s = new ArrayList<>();
        for (int c : word) s.add(c);
        while (true) {
            long bestRank = Long.MAX_VALUE;
            int bestPos = -1, merged = -1;
            for (int i = 0; i + 1 < s.size(); i++) {
                for (long[] rule : rules) {
                    if (rule[0] == s.get(i) && rule[1] == s.get(i + 1) && rule[3] < bestRank) {
                        bestRank = rule[3];
                        bestPos = i;
                        merged = (int) rule[2];
                    }
                }
            }
            if (bestPos < 0) return s.stream().mapToInt(Integer::intValue).toArray();
            s.set(bestPos, merged);
            s.remove(bestPos + 1);
        }
    }
}
