package dev.fastdraft.models.tokenizer;

/**
 * Receives the pieces a pre-tokenizer cuts. {@code atStart} is true for the piece that begins at the very
 * start of the input text (Metaspace's {@code prepend_scheme: first} only prefixes that one).
 */
@FunctionalInterface
interface PieceSink {
    void accept(String piece, boolean atStart);
}
