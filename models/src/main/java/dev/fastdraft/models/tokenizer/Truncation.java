package dev.fastdraft.models.tokenizer;

/** tokenizer.json's {@code truncation}: keep at most {@code maxLength} ids, dropping from the right or left. */
record Truncation(int maxLength, boolean fromLeft) {
    /** Truncates the model's ids, leaving room for the {@code reserved} special tokens still to be added. */
    int[] apply(int[] ids, int reserved) {
        int limit = Math.max(0, maxLength - reserved);
        if (ids.length <= limit) return ids;
        return fromLeft ? java.util.Arrays.copyOfRange(ids, ids.length - limit, ids.length) : java.util.Arrays.copyOf(ids, limit);
    }
}
