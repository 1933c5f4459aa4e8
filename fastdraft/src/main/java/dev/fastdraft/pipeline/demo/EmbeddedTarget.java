package dev.fastdraft.pipeline.demo;

import dev.fastdraft.models.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's target model, shipped inside the jar: a Llama-family model trained by this engine on the JDK's
 * own source code (recipe: RECIPE.md beside the weights). Extracted once into a Hugging Face directory, so
 * that every command can read it like any other model.
 */
public final class EmbeddedTarget {
    static final String RESOURCE_DIR = "/dev/fastdraft/demo/demo-target/";
    static final List<String> FILES = List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "RECIPE.md", "model.safetensors");

    private EmbeddedTarget() {}

    /** Whether this build carries the target (a jar built without it still runs every other command). */
    public static boolean available() {
        return EmbeddedTarget.class.getResource(RESOURCE_DIR + "model.safetensors") != null;
    }

    /** Writes the target into {@code dir} unless an identical copy is already there; returns whether it wrote. */
    public static boolean extract(Path dir) throws IOException {
        if (!available()) throw new IOException("this build of the jar carries no demo target (" + RESOURCE_DIR + " is missing)");
        Files.createDirectories(dir);
        boolean wrote = false;
        for (String name : FILES) {
            byte[] bytes;
            try (InputStream in = EmbeddedTarget.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) throw new IOException("the jar's demo target lacks " + name);
                bytes = in.readAllBytes();
            }
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file) && Files.size(file) == bytes.length && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) continue;
            AtomicFile.write(file, bytes);
            wrote = true;
        }
        return wrote;
    }
}
