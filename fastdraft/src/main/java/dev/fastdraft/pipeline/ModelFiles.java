package dev.fastdraft.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The non-weight files of a Hugging Face model directory. */
public final class ModelFiles {
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
            "chat_template.jinja", "chat_template.json");

    private ModelFiles() {}

    /** Copies whichever tokenizer files {@code from} has into {@code to}. */
    public static void copyTokenizer(Path from, Path to) throws IOException {
        if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) return;
        for (String f : TOKENIZER_FILES) {
            Path src = from.resolve(f);
            if (Files.isRegularFile(src)) Files.copy(src, to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
