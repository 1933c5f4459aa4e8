package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real tokenizer files of {@code shared/tokenizers/} (llama-3.1, mistral-7b, qwen3): the system
 * property {@code fastdraft.shared} (the {@code shared} directory), else the first directory at or above the
 * working directory that contains {@code shared/tokenizers}. Tests skip with the reason when they are absent.
 */
public final class SharedTokenizers {
    public static final String LLAMA3 = "llama-3.1", MISTRAL = "mistral-7b", QWEN3 = "qwen3";

    private SharedTokenizers() {}

    static Optional<Path> root() {
        String prop = System.getProperty("fastdraft.shared");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).resolve("tokenizers");
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("tokenizers");
            if (Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The directory of one tokenizer, or a skipped test saying why. */
    public static Path dir(String name) {
        Optional<Path> root = root();
        String prop = System.getProperty("fastdraft.shared");
        String why = "skipped: real tokenizer files not found ("
                + (prop != null && !prop.isBlank() ? "-Dfastdraft.shared=" + prop + " has no tokenizers/ folder"
                        : "no shared/tokenizers at or above " + Path.of("").toAbsolutePath() + ", and no -Dfastdraft.shared=DIR")
                + "); they are the shared/tokenizers/ folder next to the repository";
        if (root.isEmpty()) System.out.println(why);
        assumeTrue(root.isPresent(), why);
        Path dir = root.get().resolve(name);
        String missing = "skipped: " + dir.resolve(Tokenizer.TOKENIZER_JSON) + " does not exist";
        if (!Files.isRegularFile(dir.resolve(Tokenizer.TOKENIZER_JSON))) System.out.println(missing);
        assumeTrue(Files.isRegularFile(dir.resolve(Tokenizer.TOKENIZER_JSON)), missing);
        return dir;
    }

    private static final java.util.Map<String, Tokenizer> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Loads (once per JVM: the files are large) one of the real tokenizers. */
    static Tokenizer load(String name) {
        Path dir = dir(name);
        return LOADED.computeIfAbsent(name, n -> {
            try {
                return Tokenizer.load(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
