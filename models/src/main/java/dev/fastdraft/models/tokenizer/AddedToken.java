package dev.fastdraft.models.tokenizer;

/**
 * An entry of tokenizer.json's {@code added_tokens}: text that is cut out of the input before the model
 * sees it. {@code lstrip}/{@code rstrip} swallow the whitespace around a match, {@code singleWord} only
 * matches between non-word characters, {@code normalized} matches the normalized text instead of the raw
 * input, and {@code special} tokens are the ones {@code skipSpecialTokens} drops when decoding.
 */
public record AddedToken(String content, int id, boolean singleWord, boolean lstrip, boolean rstrip,
                         boolean normalized, boolean special) {
}
