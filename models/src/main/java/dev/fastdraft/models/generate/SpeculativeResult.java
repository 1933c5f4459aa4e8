package dev.fastdraft.models.generate;

/**
 * Output and counters of one speculative generation.
 *
 * @param drafted     draft tokens proposed
 * @param accepted    draft tokens the target accepted
 * @param targetCalls verification passes of the target (the prompt's prefill not counted)
 * @param draftCalls  forward passes of the draft
 */
public record SpeculativeResult(int[] ids, String stopReason, int promptTokens, int drafted, int accepted,
                                int targetCalls, int draftCalls, long prefillNanos, long decodeNanos) {
    /** Accepted / drafted. */
    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /** Tokens produced per target call, τ: the paper's block efficiency. */
    public double blockEfficiency() {
        return targetCalls == 0 ? 0 : (double) ids.length / targetCalls;
    }

    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : ids.length / (decodeNanos / 1e9);
    }
}
