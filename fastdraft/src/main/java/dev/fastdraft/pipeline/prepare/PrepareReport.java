package dev.fastdraft.pipeline.prepare;

/**
 * What a {@link CorpusPreparer} run did.
 *
 * @param documents      documents written to either file
 * @param valDocuments   of which to the validation file
 * @param tokens         ids written to either file, separators (and BOS) included
 * @param valTokens      of which to the validation file
 * @param contentTokens  ids of document text alone, without separators
 * @param textBytes      UTF-8 bytes of the document text tokenized
 * @param inputBytes     bytes read from the inputs (uncompressed for archives)
 * @param binarySkipped  files or archive entries skipped as binary
 * @param badLines       malformed JSON Lines records skipped
 * @param emptySkipped   empty documents skipped
 * @param hitMaxTokens   whether the run stopped at the token limit
 * @param seconds        wall time
 * @param threads        worker threads that tokenized
 */
public record PrepareReport(long documents, long valDocuments, long tokens, long valTokens, long contentTokens, long textBytes,
                            long inputBytes, long binarySkipped, long badLines, long emptySkipped, boolean hitMaxTokens,
                            double seconds, int threads) {
    public double bytesPerToken() {
        return contentTokens == 0 ? 0 : (double) textBytes / contentTokens;
    }

    /** Text megabytes (1e6 bytes) tokenized per second. */
    public double megabytesPerSecond() {
        return seconds > 0 ? textBytes / 1e6 / seconds : 0;
    }

    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
