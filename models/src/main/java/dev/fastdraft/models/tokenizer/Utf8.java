package dev.fastdraft.models.tokenizer;

/**
 * UTF-8 decoding the way Rust's {@code String::from_utf8_lossy} does it: each maximal invalid subpart
 * becomes one U+FFFD (Unicode's recommended practice), plus the checks the streaming decoder needs.
 */
final class Utf8 {
    private Utf8() {}

    static String decodeLossy(byte[] b, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = 0;
        while (i < len) {
            int lead = b[i] & 0xFF;
            if (lead < 0x80) {
                sb.append((char) lead);
                i++;
                continue;
            }
            int need = sequenceLength(lead);
            if (need == 0) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            int k = 1;
            while (k < need && i + k < len && validContinuation(lead, k, b[i + k] & 0xFF)) k++;
            if (k < need) {
                sb.append('\uFFFD'); // the valid prefix i..i+k is one maximal subpart
                i += k;
                continue;
            }
            int cp = lead & (0xFF >> (need + 1));
            for (int j = 1; j < need; j++) cp = (cp << 6) | (b[i + j] & 0x3F);
            sb.appendCodePoint(cp);
            i += need;
        }
        return sb.toString();
    }

    /** Whether the bytes end with the valid beginning of a character that more bytes could complete. */
    static boolean endsIncomplete(byte[] b, int len) {
        for (int back = 1; back <= 3 && back <= len; back++) {
            int start = len - back;
            int lead = b[start] & 0xFF;
            if (lead < 0x80) return false;
            if (lead < 0xC0) continue; // a continuation byte: look further back for its lead
            int need = sequenceLength(lead);
            if (need <= back) return false;
            for (int k = 1; k < back; k++) if (!validContinuation(lead, k, b[start + k] & 0xFF)) return false;
            return true;
        }
        return false;
    }

    /** Total bytes of a sequence starting with {@code lead}; 0 when it can never start one. */
    private static int sequenceLength(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 0;
    }

    /** The k-th byte (k >= 1) after {@code lead}: the second byte has narrower ranges for E0, ED, F0, F4. */
    private static boolean validContinuation(int lead, int k, int c) {
        if (k == 1) {
            switch (lead) {
                case 0xE0: return c >= 0xA0 && c <= 0xBF;
                case 0xED: return c >= 0x80 && c <= 0x9F;
                case 0xF0: return c >= 0x90 && c <= 0xBF;
                case 0xF4: return c >= 0x80 && c <= 0x8F;
                default: break;
            }
        }
        return c >= 0x80 && c <= 0xBF;
    }

    /** Replaces unpaired surrogates with U+FFFD, as Rust's {@code String::from_utf16_lossy}: text must be valid Unicode. */
    static String sanitize(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(i + 1));
                i += 2;
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
                i++;
            }
        }
        return sb.toString();
    }
}
