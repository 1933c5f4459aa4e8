package dev.fastdraft.pipeline;

import dev.fastdraft.models.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prompts from a file: JSON Lines with a {@code prompt} field (lines starting with '{'), or plain text,
 * one prompt per line (literal "\n" sequences become newlines). Blank lines are skipped.
 */
public final class PromptFile {
    private PromptFile() {}

    public static List<String> read(Path file, String field, boolean skipBad) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            if (line.stripLeading().startsWith("{")) {
                try {
                    Map<String, Object> o = Json.parseObject(line);
                    Object p = o.get(field);
                    if (!(p instanceof String s)) throw new IllegalArgumentException("no string field '" + field + "'");
                    out.add(s);
                } catch (IllegalArgumentException e) {
                    if (skipBad) continue;
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage() + " (use --skip-bad-lines to skip such lines)");
                }
            } else {
                out.add(line.replace("\\n", "\n"));
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + ": no prompts found");
        return out;
    }
}
