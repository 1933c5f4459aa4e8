package dev.fastdraft.models.generate;

/** Generated ids (prompt excluded) and timings of the two phases. */
public record GenerationResult(int[] ids, String stopReason, int promptTokens, long prefillNanos, long decodeNanos) {
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptTokens / (prefillNanos / 1e9);
    }

    /** Tokens after the first (the first comes from the prefill pass) per second of decoding. */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 || ids.length <= 1 ? 0 : (ids.length - 1) / (decodeNanos / 1e9);
    }
}
