package dev.fastdraft.bench;

import dev.fastdraft.models.tokenizer.SampleText;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding speed of the real tokenizers on {@link SampleText} (the corpus of {@code bench tokenizer}).
 * The {@code bytes} counter is UTF-8 input bytes per second: divide by 1e6 for MB/s. The tokenizer files
 * are found as the tests find them: {@code -Dfastdraft.shared=DIR}, else {@code shared/tokenizers} at or
 * above the working directory. Run:
 * {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar TokenizerBench}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class TokenizerBench {
    @Param({"llama-3.1", "mistral-7b", "qwen3"})
    public String model;

    private Tokenizer tokenizer;
    private List<String> documents;
    private long[] documentBytes;
    private int next;

    /** Counts input bytes, which JMH reports per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void load() throws IOException {
        tokenizer = Tokenizer.load(tokenizerDir(model));
        documents = SampleText.documents(42, 2_000_000);
        documentBytes = documents.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length).toArray();
    }

    /** One document (a few kilobytes) per call, round-robin over the corpus. */
    @Benchmark
    public int[] encodeDocument(Bytes counter) {
        int i = next;
        next = i + 1 == documents.size() ? 0 : i + 1;
        counter.bytes += documentBytes[i];
        return tokenizer.encode(documents.get(i), false);
    }

    static Path tokenizerDir(String name) {
        String shared = System.getProperty("fastdraft.shared");
        if (shared != null) return Path.of(shared, "tokenizers", name);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("tokenizers").resolve(name);
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalStateException("TokenizerBench: no shared/tokenizers/" + name + " at or above " + Path.of("").toAbsolutePath()
                + "; pass -Dfastdraft.shared=DIR (the directory holding tokenizers/)");
    }
}
