package dev.fastdraft.models.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in text the way Hugging Face's AddedVocabulary does: leftmost-longest matches of all
 * token contents, then the single_word / lstrip / rstrip rules, cutting the text into token and non-token
 * segments.
 */
final class AddedTokenSplitter {
    /** Receives the segments in order; {@code token} is null for text between tokens. Segments are non-empty. */
    @FunctionalInterface
    interface SegmentSink {
        void segment(int start, int end, AddedToken token);
    }

    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        AddedToken token;
    }

    private final Node root = new Node();
    private final boolean[] firstChar = new boolean[0x10000];
    private final boolean empty;

    /** {@code patterns.get(i)} is the text to look for when matching {@code tokens.get(i)}. */
    AddedTokenSplitter(List<AddedToken> tokens, List<String> patterns) {
        for (int i = 0; i < tokens.size(); i++) {
            String p = patterns.get(i);
            if (p.isEmpty()) continue;
            Node node = root;
            for (int k = 0; k < p.length(); k++) node = node.next.computeIfAbsent(p.charAt(k), c -> new Node());
            if (node.token == null) node.token = tokens.get(i); // the first of equal patterns wins
            firstChar[p.charAt(0)] = true;
        }
        empty = root.next.isEmpty();
    }

    boolean isEmpty() {
        return empty;
    }

    void split(String s, SegmentSink sink) {
        int n = s.length();
        if (empty) {
            if (n > 0) sink.segment(0, n, null);
            return;
        }
        int emitted = 0; // everything before this has been handed to the sink
        int i = 0;
        while (i < n) {
            if (!firstChar[s.charAt(i)]) {
                i++;
                continue;
            }
            AddedToken best = null;
            int bestEnd = -1;
            Node node = root;
            for (int k = i; k < n; k++) {
                node = node.next.get(s.charAt(k));
                if (node == null) break;
                if (node.token != null) {
                    best = node.token;
                    bestEnd = k + 1;
                }
            }
            if (best == null) {
                i++;
                continue;
            }
            int start = i, stop = bestEnd;
            i = bestEnd; // the search goes on after the match even when the rules below discard it
            if (best.singleWord()) {
                boolean wordBefore = start > 0 && CharClass.isWordChar(s.codePointBefore(start));
                boolean wordAfter = stop < n && CharClass.isWordChar(s.codePointAt(stop));
                if (wordBefore || wordAfter) continue;
            }
            if (best.lstrip()) {
                int newStart = start;
                while (newStart > 0 && CharClass.isWhiteSpace(s.charAt(newStart - 1))) newStart--;
                start = Math.max(newStart, emitted);
            }
            if (best.rstrip()) {
                while (stop < n && CharClass.isWhiteSpace(s.charAt(stop))) stop++;
            }
            if (emitted < start) sink.segment(emitted, start, null);
            sink.segment(start, stop, best);
            // searching resumes at the match's own end, not after what rstrip swallowed: as in Hugging Face, a
            // token that begins with whitespace can match inside that whitespace (the segments then overlap)
            emitted = stop;
        }
        if (emitted < n) sink.segment(emitted, n, null);
    }
}
