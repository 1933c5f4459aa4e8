package dev.fastdraft.models.tokenizer;

import java.util.List;

/**
 * Hugging Face post-processors, as far as they affect the ids of one sequence: they add special tokens
 * around it. Only consulted when special tokens are requested.
 */
sealed interface PostProcessor {
    int[] addSpecialTokens(int[] ids);

    /** How many ids {@link #addSpecialTokens} adds to one sequence (truncation leaves room for them). */
    int addedCount();

    /** A template such as {@code [<s>] $A}: pieces are either the sequence or fixed special ids. */
    record Template(List<int[]> pieces) implements PostProcessor {
        /** The marker for "the sequence goes here" in {@link #pieces}. */
        static final int[] SEQUENCE = new int[0];

        @Override
        public int[] addSpecialTokens(int[] ids) {
            IntList out = new IntList(ids.length + addedCount());
            for (int[] p : pieces) out.addAll(p == SEQUENCE ? ids : p);
            return out.toArray();
        }

        @Override
        public int addedCount() {
            int n = 0;
            for (int[] p : pieces) if (p != SEQUENCE) n += p.length;
            return n;
        }
    }

    /** ByteLevel (offset trimming) and other processors that leave the ids of a single sequence alone. */
    record IdsUnchanged(String type) implements PostProcessor {
        @Override
        public int[] addSpecialTokens(int[] ids) {
            return ids;
        }

        @Override
        public int addedCount() {
            return 0;
        }
    }

    record Sequence(List<PostProcessor> steps) implements PostProcessor {
        @Override
        public int[] addSpecialTokens(int[] ids) {
            for (PostProcessor p : steps) ids = p.addSpecialTokens(ids);
            return ids;
        }

        @Override
        public int addedCount() {
            int n = 0;
            for (PostProcessor p : steps) n += p.addedCount();
            return n;
        }
    }
}
