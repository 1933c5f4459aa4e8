package dev.fastdraft.pipeline;

import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.io.TextFiles;
import java.io.IOException;
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

    /** The file's lines, strictly UTF-8, without a byte order mark. */
    static List<String> lines(Path file) throws IOException {
        List<String> lines = new ArrayList<>(TextFiles.readUtf8(file).lines().toList());
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) lines.set(0, lines.get(0).substring(1));
        return lines;
    }
}
