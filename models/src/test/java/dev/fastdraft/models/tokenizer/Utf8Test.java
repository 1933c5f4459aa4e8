package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lossy UTF-8 decoding with Unicode's "maximal subpart" replacement, the rule of Rust's from_utf8_lossy. */
class Utf8Test {

    @Test
    void invalidSequencesBecomeOneReplacementPerMaximalSubpart() {
        assertEquals("a\uFFFDb", lossy(0x61, 0xF0, 0x9F, 0x62)); // valid prefix F0 9F cut short: one U+FFFD
        assertEquals("\uFFFD\uFFFD", lossy(0xE0, 0x80)); // E0 needs A0..BF next: two separate errors
        assertEquals("\uFFFD\uFFFD\uFFFD", lossy(0xED, 0xA0, 0x80)); // an encoded surrogate
        assertEquals("\uFFFD\uFFFD", lossy(0xC0, 0x80)); // overlong
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", lossy(0xF5, 0x80, 0x80, 0x80)); // beyond U+10FFFF
        assertEquals("\uFFFD", lossy(0xF4, 0x8F, 0xBF)); // truncated at the end
        assertEquals("\uD83D\uDE00", lossy(0xF0, 0x9F, 0x98, 0x80));
        assertEquals("\uFFFDA", lossy(0x80, 0x41));
    }

    @Test
    void validTextDecodesLikeTheJdk() {
        Random r = new Random(1);
        for (int k = 0; k < 2000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                int cp = r.nextInt(0x10FFFF + 1);
                if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
                sb.appendCodePoint(cp);
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            assertEquals(sb.toString(), Utf8.decodeLossy(b, b.length));
        }
    }

    @Test
    void incompleteTailIsOnlyAValidUnfinishedCharacter() {
        assertTrue(incomplete(0x61, 0xF0));
        assertTrue(incomplete(0xF0, 0x9F));
        assertTrue(incomplete(0xF0, 0x9F, 0x98));
        assertTrue(incomplete(0xE4, 0xB8));
        assertFalse(incomplete(0xF0, 0x9F, 0x98, 0x80)); // complete
        assertFalse(incomplete(0xE0, 0x80)); // can never be completed
        assertFalse(incomplete(0x80));
        assertFalse(incomplete(0x41));
        assertFalse(incomplete());
    }

    @Test
    void sanitizeReplacesOnlyUnpairedSurrogates() {
        assertEquals("a\uFFFDb\uD83D\uDE00\uFFFD", Utf8.sanitize("a\uDC00b\uD83D\uDE00\uD83D"));
        String ok = "plain 😀";
        assertTrue(ok == Utf8.sanitize(ok), "valid text is returned as is");
    }

    private static String lossy(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return Utf8.decodeLossy(b, b.length);
    }

    private static boolean incomplete(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return Utf8.endsIncomplete(b, b.length);
    }
}
