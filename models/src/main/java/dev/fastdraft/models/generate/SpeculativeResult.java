package dev.fastdraft.models.generate;

/**
 * Output and counters of one speculative generation.
 *
 * @param drafted     draft tokens proposed
 * @param accepted    draft tokens the target accepted
 * @param targetCalls verification passes of the target (not the prompt's prefill, which gives the first token)
 * @param draftCalls  forward passes of the draft
 */
public record SpeculativeResult(int[] ids, String stopReason, int promptTokens, int drafted, int accepted,
                                int targetCalls, int draftCalls, long prefillNanos, long decodeNanos) {
    /** Accepted / drafted. */
    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /** Tokens produced per verification pass, τ: the paper's block efficiency (the prefill's first token aside). */
    public double blockEfficiency() {
        return blockEfficiency(ids.length, targetCalls);
    }

    /** τ of {@code tokens} generated in {@code targetCalls} verification passes: all but the first came from those passes. */
    public static double blockEfficiency(int tokens, int targetCalls) {
        return targetCalls == 0 ? 0 : (double) (tokens - 1) / targetCalls;
    }

    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : ids.length / (decodeNanos / 1e9);
    }
}
