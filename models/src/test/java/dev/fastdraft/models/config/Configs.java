package dev.fastdraft.models.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The sample config.json files in test resources, written after the published configs of Llama-3.2-1B,
 * Mistral-7B-v0.1, Qwen2.5-0.5B and Phi-3-mini-4k/128k-instruct. The Phi-3-128k short/long factor lists have
 * the shape of the real ones (48 entries, short near 1-3, long rising to about 65) but are not a verbatim copy.
 */
final class Configs {
    private Configs() {}

    static String text(String name) {
        try (InputStream in = Configs.class.getResourceAsStream("/configs/" + name + ".json")) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelConfig load(String name) {
        return ModelConfig.parse(text(name), name + ".json");
    }
}
