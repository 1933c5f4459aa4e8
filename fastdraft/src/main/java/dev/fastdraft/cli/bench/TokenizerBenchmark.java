package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.CliSupport;
import dev.fastdraft.cli.Command;
import dev.fastdraft.cli.Console;
import dev.fastdraft.cli.Option;
import dev.fastdraft.cli.TokenizeCommand;
import dev.fastdraft.cli.UserError;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.tokenizer.SampleText;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench tokenizer --model DIR [--input FILE]}: encoding speed in MB/s of UTF-8 input, on one thread
 * and on all worker threads. Hugging Face's Rust tokenizer cannot ship in the jar, so its figure comes from
 * the models module's TokenizerThroughputComparison (see models/README-tokenizer.md).
 */
public final class TokenizerBenchmark implements Command {
    @Override
    public String name() {
        return "tokenizer";
    }

    @Override
    public String summary() {
        return "encoding speed (MB/s) of a Hugging Face tokenizer.json on a text file or built-in sample text";
    }

    @Override
    public List<Option> options() {
        return BenchCommand.withCommon(
                Option.value("--model", "DIR", "directory with tokenizer.json (and tokenizer_config.json)"),
                Option.value("--input", "FILE", "UTF-8 text to encode, one document per blank-line-separated block (default: built-in sample)"),
                Option.value("--seconds", "S", "measuring time per configuration (default 5)"));
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        double seconds = args.number("--seconds", 5);
        if (!(seconds > 0 && seconds <= 3600)) throw new UserError("bench tokenizer: --seconds must be in (0, 3600], got " + seconds);
        int threads = CliSupport.threadCount(args, WorkerPool.common().threads());
        Tokenizer tokenizer = TokenizeCommand.loadTokenizer(args.path("--model"));
        List<String> docs = args.has("--input") ? readDocuments(args.path("--input")) : SampleText.documents(42, 4_000_000);
        long bytes = 0, chars = 0;
        for (String d : docs) {
            bytes += d.getBytes(StandardCharsets.UTF_8).length;
            chars += d.length();
        }
        console.err().printf("tokenizer %s: %d documents, %.1f MB of UTF-8%n", tokenizer.source(), docs.size(), bytes / 1e6);

        long tokens = 0;
        for (String d : docs) tokens += tokenizer.encode(d, false).length; // warm-up and token count
        Result single = measure(docs, bytes, seconds, null, tokenizer);
        Result parallel = null;
        if (threads > 1) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                parallel = measure(docs, bytes, seconds, pool, tokenizer);
            }
        }
        if (args.flag("--json")) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("benchmark", "tokenizer");
            o.put("model", tokenizer.source());
            o.put("documents", docs.size());
            o.put("bytes", bytes);
            o.put("chars", chars);
            o.put("tokens", tokens);
            o.put("mb_per_s_1_thread", single.mbPerSecond());
            if (parallel != null) {
                o.put("threads", threads);
                o.put("mb_per_s_all_threads", parallel.mbPerSecond());
            }
            console.out().println(Json.write(o));
        } else {
            console.out().printf("input: %d documents, %.2f MB UTF-8, %d tokens (%.2f bytes/token)%n", docs.size(), bytes / 1e6, tokens, (double) bytes / tokens);
            console.out().printf("encode, 1 thread:   %8.2f MB/s  (%.2f M tokens/s)%n", single.mbPerSecond(), single.mbPerSecond() * 1e6 / bytes * tokens / 1e6);
            if (parallel != null) console.out().printf("encode, %d threads: %8.2f MB/s%n", threads, parallel.mbPerSecond());
            console.out().println("peer (Hugging Face Rust tokenizers): see models/README-tokenizer.md, measured by TokenizerThroughputComparison");
        }
        return 0;
    }

    private record Result(double mbPerSecond) {}

    /** Encodes all documents repeatedly for about {@code seconds}. */
    private static Result measure(List<String> docs, long bytes, double seconds, WorkerPool pool, Tokenizer tokenizer) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long done = 0;
        AtomicLong sink = new AtomicLong();
        do {
            if (pool == null) {
                for (String d : docs) sink.addAndGet(tokenizer.encode(d, false).length);
            } else {
                pool.parallelFor(docs.size(), i -> sink.addAndGet(tokenizer.encode(docs.get(i), false).length));
            }
            done += bytes;
        } while (System.nanoTime() < deadline);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (sink.get() < 0) throw new AssertionError();
        return new Result(done / elapsed / 1e6);
    }

    /** Blank-line-separated blocks become documents; a file without blank lines is cut every 4,000 characters. */
    static List<String> readDocuments(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) throw new UserError("--input: no such file: " + file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError("--input: " + file + " is not valid UTF-8 text");
        }
        List<String> docs = new ArrayList<>();
        for (String block : text.split("\n\\s*\n")) {
            for (int i = 0; i < block.length(); ) {
                int end = Math.min(block.length(), i + 4000);
                if (end < block.length() && Character.isHighSurrogate(block.charAt(end - 1))) end++; // keep pairs whole
                docs.add(block.substring(i, end));
                i = end;
            }
        }
        if (docs.isEmpty()) throw new UserError("--input: " + file + " holds no text");
        return docs;
    }
}
