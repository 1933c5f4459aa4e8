package dev.fastdraft.pipeline;

import dev.fastdraft.models.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prompts from a file: JSON Lines with a {@code prompt} field when the first non-blank line is a JSON object
 * (then every line must be one), else plain text, one prompt per line (literal "\n" sequences become newlines).
 * Blank lines are skipped.
 */
public final class PromptFile {
    private PromptFile() {}

    public static List<String> read(Path file, String field, boolean skipBad) throws IOException {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory; give a file of prompts");
        List<String> lines = lines(file);
        // decided once for the file: a line that is not JSON in a JSON Lines file is a mistake, not a plain prompt
        boolean jsonl = lines.stream().filter(l -> !l.isBlank()).findFirst().map(l -> l.stripLeading().startsWith("{")).orElse(false);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            if (!jsonl) {
                out.add(line.replace("\\n", "\n"));
                continue;
            }
            try {
                if (!line.stripLeading().startsWith("{")) {
                    throw new IllegalArgumentException("not a JSON object, and the file is JSON Lines (its first line is one)");
                }
                Map<String, Object> o = Json.parseObject(line);
                Object p = o.get(field);
                if (!(p instanceof String s)) throw new IllegalArgumentException("no string field '" + field + "'");
                out.add(s);
            } catch (IllegalArgumentException e) {
                if (skipBad) continue;
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage() + " (use --skip-bad-lines to skip such lines)");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + ": no prompts found");
        return out;
    }

    /** The file's lines, strictly UTF-8: a bad byte is an error naming its line rather than a bare "Input length = 1". */
    static List<String> lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') end++;
            int len = end - start;
            if (len > 0 && bytes[end - 1] == '\r') len--;
            try {
                lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, len)).toString());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(file + " is not valid UTF-8 (line " + (lines.size() + 1) + "); save it as UTF-8 text");
            }
            start = end + 1;
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) lines.set(0, lines.get(0).substring(1)); // a byte order mark
        return lines;
    }
}
