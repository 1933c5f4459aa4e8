package dev.fastdraft.pipeline.prepare;

/** A malformed record in a corpus; the message names the file (or archive entry) and the line. */
public final class CorpusFormatException extends IllegalArgumentException {
    public CorpusFormatException(String message) {
        super(message);
    }
}
