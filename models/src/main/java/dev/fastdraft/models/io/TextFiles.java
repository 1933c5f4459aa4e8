package dev.fastdraft.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small text files read whole, strictly as UTF-8. */
public final class TextFiles {
    private TextFiles() {}

    /** The file's text; a byte that is not UTF-8 is an error naming the file and its line, not a bare "Input length = 1". */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
        if (decoder.decode(in, out, true).isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) if (bytes[i] == '\n') line++;
            throw new IllegalArgumentException(file + " is not valid UTF-8 (line " + line + "); save it as UTF-8 text");
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
