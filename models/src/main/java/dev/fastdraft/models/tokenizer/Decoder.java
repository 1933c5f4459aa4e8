package dev.fastdraft.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hugging Face decoders: turn the token strings of a sequence of ids back into text. Each step maps a list
 * of strings to a list of strings ({@code decode_chain}); the final text is their concatenation.
 */
sealed interface Decoder {
    List<String> decodeChain(List<String> tokens);

    /**
     * Whether the tokens end inside a multi-byte UTF-8 character that a later token could complete. The
     * streaming decoder waits instead of emitting a replacement character.
     */
    default boolean endsMidCharacter(List<String> tokens) {
        return false;
    }

    /** Byte-level tokens back to bytes, then UTF-8 with U+FFFD for invalid sequences. */
    record ByteLevel() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String t : tokens) appendBytes(t, bytes);
            byte[] b = bytes.toByteArray();
            return List.of(Utf8.decodeLossy(b, b.length));
        }

        @Override
        public boolean endsMidCharacter(List<String> tokens) {
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            // the last 3 bytes decide; they come from at most the last 3 tokens
            for (int i = Math.max(0, tokens.size() - 3); i < tokens.size(); i++) appendBytes(tokens.get(i), tail);
            byte[] b = tail.toByteArray();
            return Utf8.endsIncomplete(b, b.length);
        }

        /** A token whose characters are not all in the alphabet (an added token, say) stands for its own UTF-8. */
        private static void appendBytes(String token, ByteArrayOutputStream out) {
            for (int i = 0; i < token.length(); i++) {
                if (ByteLevelAlphabet.byteOf(token.charAt(i)) < 0) {
                    out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            for (int i = 0; i < token.length(); i++) out.write(ByteLevelAlphabet.byteOf(token.charAt(i)));
        }
    }

    /** Replaces a pattern in each token. */
    record Replace(SplitPattern pattern, String content) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            Normalizer.Replace r = new Normalizer.Replace(pattern, content);
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) out.add(r.normalize(t));
            return out;
        }
    }

    /**
     * {@code <0xHH>} tokens back to bytes: each run of them becomes its UTF-8 text, or one U+FFFD per byte
     * when the run is not valid UTF-8.
     */
    record ByteFallback() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            byte[] run = new byte[16];
            int n = 0;
            for (String t : tokens) {
                int b = byteToken(t);
                if (b >= 0) {
                    if (n == run.length) run = java.util.Arrays.copyOf(run, n * 2);
                    run[n++] = (byte) b;
                    continue;
                }
                flush(run, n, out);
                n = 0;
                out.add(t);
            }
            flush(run, n, out);
            return out;
        }

        @Override
        public boolean endsMidCharacter(List<String> tokens) {
            byte[] tail = new byte[3];
            int n = 0;
            for (int i = tokens.size() - 1; i >= 0 && n < 3; i--) {
                int b = byteToken(tokens.get(i));
                if (b < 0) break;
                n++;
                System.arraycopy(tail, 0, tail, 1, 2);
                tail[0] = (byte) b;
            }
            return Utf8.endsIncomplete(java.util.Arrays.copyOf(tail, n), n);
        }

        private static void flush(byte[] run, int n, List<String> out) {
            if (n == 0) return;
            var decoder = StandardCharsets.UTF_8.newDecoder();
            try {
                out.add(decoder.decode(java.nio.ByteBuffer.wrap(run, 0, n)).toString());
            } catch (java.nio.charset.CharacterCodingException e) {
                for (int i = 0; i < n; i++) out.add("\uFFFD");
            }
        }

        /** The byte of a {@code <0xHH>} token, else -1. */
        static int byteToken(String t) {
            if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
            int hi = Character.digit(t.charAt(3), 16), lo = Character.digit(t.charAt(4), 16);
            return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
        }
    }

    /** Joins all tokens into one. */
    record Fuse() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            return List.of(String.join("", tokens));
        }
    }

    /** Removes up to {@code start} leading and {@code stop} trailing {@code content} characters from each token. */
    record Strip(int content, int start, int stop) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) {
                int[] cps = t.codePoints().toArray();
                int from = 0;
                while (from < start && from < cps.length && cps[from] == content) from++;
                int to = cps.length;
                for (int i = 0; i < stop && to > from && cps[to - 1] == content; i++) to--;
                out.add(new String(cps, from, to - from));
            }
            return out;
        }
    }

    /** The replacement character back to spaces; dropped altogether in the first token unless prepending is off. */
    record Metaspace(int replacement, boolean dropInFirstToken) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                StringBuilder sb = new StringBuilder(t.length());
                for (int k = 0; k < t.length(); ) {
                    int cp = t.codePointAt(k);
                    k += Character.charCount(cp);
                    if (cp != replacement) sb.appendCodePoint(cp);
                    else if (i != 0 || !dropInFirstToken) sb.append(' ');
                }
                out.add(sb.toString());
            }
            return out;
        }
    }

    /** The classic BPE end-of-word suffix: a space between words, nothing after the last. */
    record BpeSuffix(String suffix) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
            return out;
        }
    }

    record Sequence(List<Decoder> decoders) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            for (Decoder d : decoders) tokens = d.decodeChain(tokens);
            return tokens;
        }

        @Override
        public boolean endsMidCharacter(List<String> tokens) {
            for (Decoder d : decoders) if (d.endsMidCharacter(tokens)) return true;
            return false;
        }
    }
}
