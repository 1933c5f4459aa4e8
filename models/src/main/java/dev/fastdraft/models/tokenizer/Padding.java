package dev.fastdraft.models.tokenizer;

/**
 * tokenizer.json's {@code padding}, for one sequence: {@code Fixed} pads to {@code length}; {@code BatchLongest}
 * pads to the sequence's own length, i.e. only up to {@code multipleOf} when that is set.
 */
record Padding(int fixedLength, int multipleOf, int padId, boolean onLeft) {
    int[] apply(int[] ids) {
        int target = fixedLength > 0 ? fixedLength : ids.length;
        if (multipleOf > 0 && target % multipleOf != 0) target += multipleOf - target % multipleOf;
        if (ids.length >= target) return ids;
        int[] out = new int[target];
        int pad = target - ids.length;
        java.util.Arrays.fill(out, padId);
        System.arraycopy(ids, 0, out, onLeft ? pad : 0, ids.length);
        return out;
    }
}
