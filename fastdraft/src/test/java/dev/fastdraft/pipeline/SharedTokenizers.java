package dev.fastdraft.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The real tokenizers in {@code shared/tokenizers}, found by walking up from the working directory. */
public final class SharedTokenizers {
    private SharedTokenizers() {}

    /** The directory of tokenizer {@code name} (e.g. "llama-3.1"); skips the calling test, saying why, when absent. */
    public static Path require(String name) {
        Path dir = find(name);
        if (dir == null) {
            String why = "shared/tokenizers/" + name + " not found above " + Path.of("").toAbsolutePath() + "; skipping";
            System.out.println(why);
            Assumptions.abort(why);
        }
        return dir;
    }

    static Path find(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("tokenizers").resolve(name);
            if (Files.isRegularFile(candidate.resolve("tokenizer.json"))) return candidate;
        }
        return null;
    }
}
