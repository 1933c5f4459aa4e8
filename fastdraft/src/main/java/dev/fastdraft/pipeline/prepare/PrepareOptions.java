package dev.fastdraft.pipeline.prepare;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link CorpusPreparer} reads and writes.
 *
 * @param inputs       text files, JSON Lines files ({@code .jsonl}, {@code .ndjson}), directories and zip archives, in order
 * @param out          the training token file
 * @param valOut       the validation token file, or null for no split
 * @param valFraction  share of documents (by a hash of their index) that go to {@code valOut}
 * @param textField    the field of a JSON Lines record that holds the document
 * @param maxTokens    stop after this many tokens in both files together (0: no limit)
 * @param includes     file-name globs ("*.java"; with a '/', matched against the path inside the directory or
 *                     archive) that files found in directories and archives must match; empty: all files
 * @param skipBadLines skip and count malformed JSON Lines records instead of stopping at the first
 * @param addBos       put the tokenizer's BOS id before each document
 * @param eosId        the separator after each document; null: the tokenizer's first EOS id
 * @param pieceChars   documents longer than this are tokenized in pieces; see {@link TextPieces}
 */
public record PrepareOptions(List<Path> inputs, Path out, Path valOut, double valFraction, String textField, long maxTokens,
                             List<String> includes, boolean skipBadLines, boolean addBos, Integer eosId, int pieceChars) {
    public static final double DEFAULT_VAL_FRACTION = 0.01;
    public static final String DEFAULT_TEXT_FIELD = "text";
    public static final int DEFAULT_PIECE_CHARS = 1 << 18;

    public PrepareOptions {
        inputs = List.copyOf(inputs);
        includes = List.copyOf(includes);
        if (inputs.isEmpty()) throw new IllegalArgumentException("prepare: no inputs; give --input PATH...");
        if (out == null) throw new IllegalArgumentException("prepare: no output file; give --out TOKENS.bin");
        if (valOut != null && !(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("prepare: --val-fraction must be between 0 and 1 (exclusive), got " + valFraction);
        }
        if (valOut != null && valOut.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("prepare: --val-out and --out are the same file " + out);
        }
        if (textField == null || textField.isEmpty()) throw new IllegalArgumentException("prepare: --text-field must not be empty");
        if (maxTokens < 0) throw new IllegalArgumentException("prepare: --max-tokens must not be negative, got " + maxTokens);
        if (pieceChars < 2) throw new IllegalArgumentException("prepare: pieceChars must be at least 2, got " + pieceChars);
    }

    /** Defaults for everything but the inputs and outputs. */
    public static PrepareOptions of(List<Path> inputs, Path out, Path valOut) {
        return new PrepareOptions(inputs, out, valOut, DEFAULT_VAL_FRACTION, DEFAULT_TEXT_FIELD, 0, List.of(), false, false, null, DEFAULT_PIECE_CHARS);
    }
}
