package dev.fastdraft.models.tokenizer;

/**
 * A tokenizer file that cannot be used: malformed JSON, a missing or mistyped field, or a component type we
 * do not implement. The message always names the file and the field, e.g.
 * {@code /m/tokenizer.json: pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer type 'Foo'}.
 */
public final class TokenizerFormatException extends IllegalArgumentException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
