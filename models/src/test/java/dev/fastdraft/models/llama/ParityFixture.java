package dev.fastdraft.models.llama;

import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One directory of {@code src/test/resources/parity} (see its README for how the reference numbers were
 * made), copied out of the classpath into a temporary directory because the loaders take a Path.
 */
record ParityFixture(String name, Path dir, int[] ids, int vocab, float[] logits) {
    private static final List<String> FILES = List.of("config.json", "config.transformers5.json", "config.tied.transformers5.json", "model.safetensors", "ids.json", "logits.npy",
            "decode_logits.npy", "train.bin", "train_losses.json",
            "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");

    static ParityFixture copy(String name, Path tempRoot) {
        try {
            Path dir = Files.createDirectories(tempRoot.resolve(name));
            for (String file : FILES) {
                try (InputStream in = ParityFixture.class.getResourceAsStream("/parity/" + name + "/" + file)) {
                    if (in != null) Files.copy(in, dir.resolve(file));
                }
            }
            if (!Files.exists(dir.resolve("config.json"))) throw new IllegalStateException("no parity fixture '" + name + "' on the test classpath");
            List<?> list = (List<?>) Json.parse(Files.readString(dir.resolve("ids.json")));
            int[] ids = list.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            var logits = Npy.read(dir.resolve("logits.npy"));
            if (logits.dim(0) != ids.length) throw new IllegalStateException(name + ": logits.npy has " + logits.dim(0) + " rows for " + ids.length + " ids");
            return new ParityFixture(name, dir, ids, logits.dim(1), logits.toFloatArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Row-major [n, vocab] logits of token-by-token decoding, where the fixture has them. */
    float[] decodeLogits() {
        try {
            return Npy.read(dir.resolve("decode_logits.npy")).toFloatArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean hasDecodeLogits() {
        return Files.exists(dir.resolve("decode_logits.npy"));
    }
}
