package dev.fastdraft.pipeline.prepare;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8CheckTest {
    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    static byte[] readAll(byte[] data) throws IOException {
        try (InputStream in = new Utf8Check(new ByteArrayInputStream(data), "f.txt")) {
            return in.readAllBytes();
        }
    }

    static String error(byte[] data) {
        return assertThrows(CorpusFormatException.class, () -> readAll(data)).getMessage();
    }

    @Test
    void validTextPassesUnchanged() throws IOException {
        byte[] text = "a\né 数字 😀 \uFEFF\uFFFD".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(text, readAll(text));
        assertArrayEquals(bytes(0xED, 0x9F, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF), readAll(bytes(0xED, 0x9F, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF)), "U+D7FF, U+10FFFF");
    }

    @Test
    void invalidBytesNameTheLineAndOffset() {
        assertEquals("f.txt, line 2: invalid UTF-8 at byte 5; convert the file to UTF-8 or leave it out", error(bytes('a', 'b', '\n', 'c', 'd', 0xFF, 'e')));
        assertTrue(error(bytes(0x80)).contains("line 1: invalid UTF-8 at byte 0;"), "stray continuation byte");
        assertTrue(error(bytes('x', 0xC3, 'A')).contains("at byte 1;"), "missing continuation byte");
        assertTrue(error(bytes(0xC0, 0x80)).contains("at byte 0;"), "overlong");
        assertTrue(error(bytes(0xE0, 0x80, 0x80)).contains("at byte 0;"), "overlong");
        assertTrue(error(bytes(0xED, 0xA0, 0x80)).contains("at byte 0;"), "an encoded surrogate");
        assertTrue(error(bytes(0xF4, 0x90, 0x80, 0x80)).contains("at byte 0;"), "beyond U+10FFFF");
        assertTrue(error(bytes(0xF5, 0x80, 0x80, 0x80)).contains("at byte 0;"));
        assertTrue(error(bytes('a', 0xE2, 0x82)).contains("at byte 1;"), "cut off at the end");
    }
}
