package dev.fastdraft.pipeline.prepare;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through and stops at the first that is not valid UTF-8 (stray or missing continuation bytes,
 * overlong forms, surrogates, beyond U+10FFFF, a character cut off at the end), naming the input, line and byte
 * offset. Decoding would silently turn such bytes into U+FFFD and train on them; a corpus in another encoding
 * is better converted. It sits below the decoder, so its count is exact however far the decoder reads ahead.
 */
final class Utf8Check extends FilterInputStream {
    private final String origin;
    private long offset, line = 1;
    private long start;             // offset of the character being checked
    private int need;               // continuation bytes it still needs
    private int lo = 0x80, hi = 0xBF; // the range of the next continuation byte

    Utf8Check(InputStream in, String origin) {
        super(in);
        this.origin = origin;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) atEnd();
        else check(b);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) atEnd();
        for (int i = 0; i < n; i++) check(buf[off + i] & 0xFF);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes would go unchecked and out of the count
        return n <= 0 ? 0 : Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(int b) {
        if (need > 0) {
            if (b < lo || b > hi) throw invalid();
            lo = 0x80;
            hi = 0xBF;
            need--;
        } else if (b < 0x80) {
            if (b == '\n') line++;
        } else {
            start = offset;
            if (b >= 0xC2 && b <= 0xDF) need = 1;
            else if (b >= 0xE0 && b <= 0xEF) need = 2;
            else if (b >= 0xF0 && b <= 0xF4) need = 3;
            else throw invalid();
            // second bytes that would make an overlong form, a surrogate or a code point past U+10FFFF
            if (b == 0xE0) lo = 0xA0;
            else if (b == 0xED) hi = 0x9F;
            else if (b == 0xF0) lo = 0x90;
            else if (b == 0xF4) hi = 0x8F;
        }
        offset++;
    }

    private void atEnd() {
        if (need > 0) throw invalid();
    }

    private CorpusFormatException invalid() {
        if (need == 0) start = offset;
        return new CorpusFormatException(origin + ", line " + line + ": invalid UTF-8 at byte " + start + "; convert the file to UTF-8 or leave it out");
    }
}
