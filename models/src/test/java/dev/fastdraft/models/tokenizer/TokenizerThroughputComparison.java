package dev.fastdraft.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encoding speed of our tokenizer against Hugging Face's Rust one (through DJL's raw JNI calls, one
 * {@code encode} per document, single thread), measured in the same JVM in alternating rounds so that machine noise
 * hits both alike. A measurement, not a test: it only runs with {@code -Dfastdraft.bench.tokenizer=true}
 * (optionally {@code -Dfastdraft.bench.input=FILE}, {@code -Dfastdraft.bench.seconds=S}) and asserts only
 * that both produce the same ids. The corpus is {@link SampleText}, the same as {@code bench tokenizer}'s.
 */
class TokenizerThroughputComparison {

    @ParameterizedTest
    @ValueSource(strings = {SharedTokenizers.LLAMA3, SharedTokenizers.MISTRAL, SharedTokenizers.QWEN3})
    void encodeMegabytesPerSecond(String name) throws Exception {
        boolean enabled = Boolean.getBoolean("fastdraft.bench.tokenizer");
        if (!enabled) System.out.println("skipped: throughput comparison runs only with -Dfastdraft.bench.tokenizer=true");
        assumeTrue(enabled, "throughput comparison runs only with -Dfastdraft.bench.tokenizer=true");
        Path dir = SharedTokenizers.dir(name);
        Tokenizer ours = SharedTokenizers.load(name);
        String input = System.getProperty("fastdraft.bench.input");
        List<String> docs = input == null ? SampleText.documents(42, 4_000_000) : documents(Path.of(input));
        double seconds = Double.parseDouble(System.getProperty("fastdraft.bench.seconds", "3"));
        long bytes = docs.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).sum();
        try (HfReference ref = HfReference.open(dir)) {
            for (String d : docs) assertArrayEquals(ref.encode(d, false), ours.encode(d, false)); // warm-up, and the same work
            int rounds = 5;
            double[] oursMbs = new double[rounds], hfMbs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                oursMbs[r] = measure(docs, bytes, seconds, d -> ours.encode(d, false).length);
                hfMbs[r] = measure(docs, bytes, seconds, d -> ref.encodedLength(d, false));
            }
            Arrays.sort(oursMbs);
            Arrays.sort(hfMbs);
            double o = oursMbs[rounds / 2], h = hfMbs[rounds / 2];
            System.out.printf("throughput %s: %d docs, %.2f MB; 1 thread, median of %d rounds: ours %.2f MB/s, HF Rust %.2f MB/s, ratio %.2fx%n",
                    name, docs.size(), bytes / 1e6, rounds, o, h, o / h);
        }
    }

    private static double measure(List<String> docs, long bytes, double seconds, java.util.function.ToIntFunction<String> encode) {
        long start = System.nanoTime(), deadline = start + (long) (seconds * 1e9);
        long done = 0, sink = 0;
        do {
            for (String d : docs) sink += encode.applyAsInt(d);
            done += bytes;
        } while (System.nanoTime() < deadline);
        if (sink < 0) throw new AssertionError();
        return done / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static List<String> documents(Path file) throws java.io.IOException {
        return Arrays.stream(Files.readString(file).split("\n\\s*\n")).filter(s -> !s.isBlank()).toList();
    }
}
