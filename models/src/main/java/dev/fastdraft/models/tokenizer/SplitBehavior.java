package dev.fastdraft.models.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** What a split does with the matched delimiters: Hugging Face's {@code SplitDelimiterBehavior}. */
enum SplitBehavior {
    REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

    static SplitBehavior parse(ConfigNode node, String key) {
        String v = node.string(key);
        return switch (v) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> throw node.error(key, "unknown split behavior '" + v
                    + "' (known: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
        };
    }

    /** Cuts {@code s} at the matches of {@code pattern} and hands the non-empty pieces to {@code sink}. */
    void split(String s, SplitPattern pattern, boolean invert, boolean atStart, PieceSink sink) {
        if (this == ISOLATED && !invert) { // the hot path of every byte-level tokenizer: no bookkeeping
            int[] prev = {0};
            pattern.forEachMatch(s, (start, end) -> {
                if (prev[0] < start) sink.accept(s.substring(prev[0], start), atStart && prev[0] == 0);
                if (start < end) sink.accept(s.substring(start, end), atStart && start == 0);
                prev[0] = end;
            });
            if (prev[0] < s.length()) sink.accept(s.substring(prev[0]), atStart && prev[0] == 0);
            return;
        }
        // spans covering s: {start, end, isMatch}
        List<int[]> spans = new ArrayList<>();
        int[] prev = {0};
        pattern.forEachMatch(s, (start, end) -> {
            if (prev[0] != start) spans.add(new int[] {prev[0], start, invert ? 1 : 0});
            spans.add(new int[] {start, end, invert ? 0 : 1});
            prev[0] = end;
        });
        if (prev[0] != s.length()) spans.add(new int[] {prev[0], s.length(), invert ? 1 : 0});
        List<int[]> pieces = new ArrayList<>(); // {start, end, remove}
        switch (this) {
            case ISOLATED -> spans.forEach(sp -> pieces.add(new int[] {sp[0], sp[1], 0}));
            case REMOVED -> spans.forEach(sp -> pieces.add(new int[] {sp[0], sp[1], sp[2]}));
            case CONTIGUOUS -> {
                boolean previous = false;
                for (int[] sp : spans) {
                    boolean match = sp[2] == 1;
                    if (match == previous && !pieces.isEmpty()) pieces.getLast()[1] = sp[1];
                    else pieces.add(new int[] {sp[0], sp[1], 0});
                    previous = match;
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                boolean previous = false;
                for (int[] sp : spans) {
                    boolean match = sp[2] == 1;
                    if (match && !previous && !pieces.isEmpty()) pieces.getLast()[1] = sp[1];
                    else pieces.add(new int[] {sp[0], sp[1], 0});
                    previous = match;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previous = false;
                for (int k = spans.size() - 1; k >= 0; k--) {
                    int[] sp = spans.get(k);
                    boolean match = sp[2] == 1;
                    if (match && !previous && !pieces.isEmpty()) pieces.getLast()[0] = sp[0];
                    else pieces.add(new int[] {sp[0], sp[1], 0});
                    previous = match;
                }
                java.util.Collections.reverse(pieces);
            }
        }
        for (int[] p : pieces) {
            if (p[2] == 0 && p[0] < p[1]) sink.accept(s.substring(p[0], p[1]), atStart && p[0] == 0);
        }
    }
}
