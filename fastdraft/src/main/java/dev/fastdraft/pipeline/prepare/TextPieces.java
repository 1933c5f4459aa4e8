package dev.fastdraft.pipeline.prepare;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/**
 * Cuts long documents into pieces that are tokenized separately and concatenated, so neither a huge file is
 * held in memory nor its tokenization left to one core.
 *
 * <p>A cut goes right after a line break that is followed by a character that is not white space, or failing
 * that, right before a white-space character (not a line break) that is followed by one that is neither white
 * space nor the first character of an added token. Regex pre-tokenizers (Llama 3, Qwen, GPT-2) always end a
 * pre-token at both places (only their white-space alternatives reach such a character from the left, and
 * they stop before one that precedes text; an added token such as {@code <|eot_id|>} is cut out of the text
 * before pre-tokenization, which would leave the space on its own), so for those tokenizers the pieces encode to exactly the ids of the whole
 * text. SentencePiece-style tokenizers that prepend "▁" to a text (Llama 2, Mistral) see each piece as a new
 * text, which changes about one token per piece. Text with neither place in the second half of a piece (a
 * long run without spaces) is cut where the piece is full, never inside a surrogate pair.
 */
final class TextPieces {
    /** Bytes sniffed for a NUL to tell binary files from text (git's rule). */
    static final int SNIFF_BYTES = 8192;

    private TextPieces() {}

    /** Receives the pieces of one document; {@code last} marks the final one. */
    @FunctionalInterface
    interface PieceSink {
        void piece(String text, boolean last) throws IOException;
    }

    /**
     * Where to end the piece that starts at {@code from}: {@code s.length()} when the rest fits in {@code max}
     * chars. {@code startsAddedToken} tells the first characters of the tokenizer's added tokens.
     */
    static int cut(CharSequence s, int from, int max, IntPredicate startsAddedToken) {
        int n = s.length();
        if (n - from <= max) return n;
        int limit = from + max;
        // s.charAt(i + 1) must be known: the break at limit - 1 is followed by the char at limit < n
        int floor = from + max / 2;
        for (int i = limit - 1; i >= floor; i--) {
            if (s.charAt(i) == '\n' && !isSpace(s.charAt(i + 1))) return i + 1;
        }
        for (int i = limit - 1; i >= floor && i > from; i--) {
            char c = s.charAt(i);
            char next = s.charAt(i + 1);
            if (c != '\n' && c != '\r' && isSpace(c) && !isSpace(next) && !startsAddedToken.test(next)) return i;
        }
        return Character.isHighSurrogate(s.charAt(limit - 1)) ? limit - 1 : limit;
    }

    /** White space by Java's definitions or Unicode's (which adds U+0085), so every regex {@code \s} counts. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Emits a document held in memory (a JSON Lines record) as pieces of at most {@code max} chars. */
    static void split(String text, int max, IntPredicate startsAddedToken, PieceSink sink) throws IOException {
        int from = 0;
        do {
            int end = cut(text, from, max, startsAddedToken);
            sink.piece(text.substring(from, end), end == text.length());
            from = end;
        } while (from < text.length());
    }

    /** The stream buffered and marked so that {@link #isBinary} can look ahead. */
    static BufferedInputStream sniffable(InputStream in) {
        return new BufferedInputStream(in, Math.max(65536, SNIFF_BYTES));
    }

    /** Whether the first {@link #SNIFF_BYTES} bytes hold a NUL; the stream is reset to where it was. */
    static boolean isBinary(BufferedInputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        try {
            byte[] head = in.readNBytes(SNIFF_BYTES);
            for (byte b : head) if (b == 0) return true;
            return false;
        } finally {
            in.reset();
        }
    }

    /**
     * Reads UTF-8 text (a leading byte-order mark is dropped; {@link Utf8Check} rejects malformed bytes first) and emits it as
     * pieces of at most {@code max} chars. Returns false, emitting nothing, for an empty stream.
     */
    static boolean read(InputStream in, int max, IntPredicate startsAddedToken, PieceSink sink) throws IOException {
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
        StringBuilder pending = new StringBuilder();
        char[] buf = new char[Math.min(max + 1, 1 << 16)];
        boolean emitted = false, first = true;
        int n;
        while ((n = r.read(buf)) >= 0) {
            int off = 0;
            if (first && n > 0) {
                first = false;
                if (buf[0] == '\uFEFF') off = 1;
            }
            pending.append(buf, off, n - off);
            // keep one char beyond a full piece so cut() can look past the break
            while (pending.length() > max) {
                int end = cut(pending, 0, max, startsAddedToken);
                sink.piece(pending.substring(0, end), false);
                pending.delete(0, end);
                emitted = true;
            }
        }
        if (pending.isEmpty() && !emitted) return false;
        sink.piece(pending.toString(), true);
        return true;
    }
}
