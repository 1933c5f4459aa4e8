package dev.fastdraft.pipeline.prepare;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Tokenizes a corpus into token files: each document's ids (encoded without special tokens), then the EOS id
 * as separator, optionally preceded by BOS. Documents go to the validation file when their index hashes into
 * the validation fraction ({@link ValSplit}).
 *
 * <p>One thread reads the inputs ahead and hands batches of documents over a short queue, so memory stays at
 * a few batches whatever the corpus size; the batches are tokenized across the worker pool and written in
 * input order, so the output is the same for any number of threads. Both files are written atomically: an
 * interrupted or failed run leaves any earlier files untouched and no partial file under their names.
 *
 * <p>Not thread-safe; one instance per run.
 */
public final class CorpusPreparer {
    /** Characters per batch and thread: large enough to amortise the hand-over, small enough to keep cores balanced. */
    private static final int BATCH_CHARS_PER_THREAD = 1 << 20;
    private static final int MAX_BATCH_CHARS = 8 << 20;
    private static final int MAX_BATCH_PIECES = 8192;
    private static final int BAD_LINES_SHOWN = 5;

    private final Tokenizer tokenizer;
    private final PrepareOptions options;
    private final WorkerPool pool;
    private final PrintStream log;
    private final int eos;
    private final int bos;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
    private volatile boolean stop;
    private boolean ran;

    // counted by the reader thread, read after it is joined
    private long binarySkipped, badLines, emptySkipped;
    private final List<String> badLineSamples = new ArrayList<>();

    // counted by the writing thread
    private long documents, valDocuments, contentTokens, textBytes, inputBytes, trainTokens, valTokens;
    private boolean hitMaxTokens;

    /**
     * @param log where the progress line and notices go; null for silence
     */
    public CorpusPreparer(Tokenizer tokenizer, PrepareOptions options, WorkerPool pool, PrintStream log) {
        this.tokenizer = tokenizer;
        this.options = options;
        this.pool = pool;
        this.log = log;
        this.eos = separator(tokenizer, options.eosId());
        if (options.addBos() && tokenizer.bosId().isEmpty()) {
            throw new IllegalArgumentException("prepare: --bos given but " + tokenizer.source() + " names no BOS token");
        }
        this.bos = options.addBos() ? tokenizer.bosId().getAsInt() : -1;
    }

    /** The separator id: the given one (checked against the vocabulary) or the tokenizer's first EOS. */
    public static int separator(Tokenizer tokenizer, Integer eosId) {
        if (eosId != null) {
            if (eosId < 0 || eosId >= tokenizer.vocabSize()) {
                throw new IllegalArgumentException("prepare: --eos-id " + eosId + " is outside the tokenizer's vocabulary [0, " + tokenizer.vocabSize() + ")");
            }
            return eosId;
        }
        int[] e = tokenizer.eosIds();
        if (e.length == 0) throw new IllegalArgumentException("prepare: " + tokenizer.source() + " names no EOS token; give the separator with --eos-id");
        return e[0];
    }

    public int separatorId() {
        return eos;
    }

    /** Reads every input and writes the token files; once per instance. */
    public PrepareReport run() throws IOException {
        if (ran) throw new IllegalStateException("CorpusPreparer.run: already ran; make a new instance per run");
        ran = true;
        for (Path in : options.inputs()) {
            if (!Files.exists(in)) throw new IllegalArgumentException("prepare: --input " + in + ": no such file or directory");
            // the output replaces its file only at the end, after the input was read: the corpus would be lost
            refuseSameFile(options.out(), "--out", in);
            if (options.valOut() != null) refuseSameFile(options.valOut(), "--val-out", in);
        }
        long start = System.nanoTime();
        Path out = options.out().toAbsolutePath();
        Files.createDirectories(out.getParent());
        removeStaleTemporaries(out);
        if (options.valOut() == null) {
            AtomicFile.write(out, ch -> process(ch, null));
        } else {
            Path val = options.valOut().toAbsolutePath();
            Files.createDirectories(val.getParent());
            removeStaleTemporaries(val);
            AtomicFile.write(out, ch -> AtomicFile.write(val, vch -> process(ch, vch)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new PrepareReport(documents, valDocuments, trainTokens + valTokens, valTokens, contentTokens, textBytes, inputBytes,
                binarySkipped, badLines, emptySkipped, hitMaxTokens, seconds, pool.threads());
    }

    /** Lines describing the first skipped bad records (for the summary). */
    public List<String> badLineSamples() {
        return List.copyOf(badLineSamples);
    }

    // ---- the writing side ----

    private void process(FileChannel trainChannel, FileChannel valChannel) throws IOException {
        TokenWriter train = new TokenWriter(trainChannel);
        TokenWriter val = valChannel == null ? null : new TokenWriter(valChannel);
        Feeder feeder = new Feeder();
        BitSet addedStarts = new BitSet(1 << 16);
        for (var t : tokenizer.addedTokens()) if (!t.content().isEmpty()) addedStarts.set(t.content().charAt(0));
        CorpusReader reader = new CorpusReader(options, addedStarts::get, feeder);
        long estimate = log == null ? 0 : reader.estimateBytes();
        Progress progress = log == null ? null : options.maxTokens() > 0
                ? new Progress(log, "prepare", "tokens", options.maxTokens(), 0)
                : new Progress(log, "prepare", "bytes", estimate, 0);
        long startNanos = System.nanoTime();
        Thread readerThread = Thread.ofPlatform().name("prepare-reader").daemon().start(() -> readInto(reader, feeder));
        try {
            long docIndex = 0;
            boolean atDocStart = true;
            batches:
            while (true) {
                Object item = take();
                if (item == END) break;
                if (item instanceof Failure f) rethrow(f.error());
                Batch b = (Batch) item;
                int[][] ids = new int[b.size()][];
                long[] bytes = encode(b, ids);
                for (int i = 0; i < b.size(); i++) {
                    boolean isVal = val != null && ValSplit.isValidation(docIndex, options.valFraction());
                    TokenWriter w = isVal ? val : train;
                    if (atDocStart && bos >= 0) w.write(bos);
                    w.write(ids[i]);
                    contentTokens += ids[i].length;
                    textBytes += bytes[i];
                    boolean limit = options.maxTokens() > 0 && train.tokens() + (val == null ? 0 : val.tokens()) >= options.maxTokens();
                    atDocStart = b.ends[i] || limit;
                    if (atDocStart) {
                        w.write(eos);
                        documents++;
                        if (isVal) valDocuments++;
                        docIndex++;
                    }
                    if (limit) {
                        hitMaxTokens = true;
                        inputBytes = b.inputBytes;
                        break batches;
                    }
                }
                inputBytes = b.inputBytes;
                if (progress != null) progress.update(options.maxTokens() > 0 ? train.tokens() + (val == null ? 0 : val.tokens()) : inputBytes,
                        rates(startNanos, train, val), false);
            }
            train.flush();
            if (val != null) val.flush();
            trainTokens = train.tokens();
            valTokens = val == null ? 0 : val.tokens();
            if (progress != null) progress.finish(options.maxTokens() > 0 ? trainTokens + valTokens : inputBytes, rates(startNanos, train, val));
            // thrown inside the write (after the progress line ends), so no empty token file is left under the output's name
            if (documents == 0) throw noText();
        } finally {
            stop = true;
            queue.clear();
            joinQuietly(readerThread);
        }
    }

    private static void refuseSameFile(Path out, String option, Path input) throws IOException {
        if (Files.exists(out) && Files.isSameFile(out, input)) {
            throw new IllegalArgumentException("prepare: " + option + " " + out + " is the input " + input + "; writing it would destroy the corpus, give another file name");
        }
    }

    /** The error for a corpus without a single document, saying what was skipped (read after the reader's END). */
    private IllegalArgumentException noText() {
        List<String> skipped = new ArrayList<>();
        if (binarySkipped > 0) skipped.add(binarySkipped + " binary files");
        if (emptySkipped > 0) skipped.add(emptySkipped + " empty documents");
        if (badLines > 0) skipped.add(badLines + " bad lines");
        return new IllegalArgumentException("prepare: no text to tokenize in " + options.inputs().stream().map(Path::toString).toList()
                + (options.includes().isEmpty() ? "" : " matching --include " + options.includes())
                + (skipped.isEmpty() ? "" : " (skipped " + String.join(", ", skipped) + ")")
                + "; give UTF-8 text files, JSON Lines records or zip archives of them");
    }

    /** What the progress line adds to its main unit: MB/s when counting tokens, tokens/s when counting bytes. */
    private String rates(long startNanos, TokenWriter train, TokenWriter val) {
        double s = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        long tokens = train.tokens() + (val == null ? 0 : val.tokens());
        if (options.maxTokens() > 0) return String.format(Locale.ROOT, "%.2f MB/s (%.1f MB of text)", textBytes / 1e6 / s, textBytes / 1e6);
        return String.format(Locale.ROOT, "%.2fM tokens/s (%,d tokens)", tokens / 1e6 / s, tokens);
    }

    /**
     * Fills {@code ids} with the ids of each piece, longest pieces first so that no core is left with a long one
     * at the end; returns the UTF-8 size of each piece.
     */
    private long[] encode(Batch b, int[][] ids) {
        int n = b.size();
        long[] byLength = new long[n];
        for (int i = 0; i < n; i++) byLength[i] = ((long) b.texts.get(i).length() << 32) | i;
        Arrays.sort(byLength);
        long[] bytes = new long[n];
        pool.parallelFor(n, k -> {
            int i = (int) byLength[n - 1 - k];
            String text = b.texts.get(i);
            ids[i] = tokenizer.encode(text, false);
            bytes[i] = utf8Length(text);
        });
        return bytes;
    }

    /** UTF-8 bytes of a string; an unpaired surrogate counts as the 3 bytes of the U+FFFD it encodes as. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    private Object take() throws IOException {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("prepare: interrupted");
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException io) throw io;
        if (t instanceof UncheckedIOException u) throw u.getCause();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        throw new IOException(t);
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Deletes what a killed earlier run left: AtomicFile's temporaries (".NAME.tmp-HEX") next to {@code target}. */
    private void removeStaleTemporaries(Path target) throws IOException {
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + ".tmp-";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
                if (log != null) log.println("prepare: removed " + p + ", the partial output of an interrupted run");
            }
        }
    }

    // ---- the reading side ----

    private static final Object END = new Object();

    private record Failure(Throwable error) {}

    /** Thrown inside the reader thread once the writer has stopped (token limit or failure). */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private static final class Batch {
        final List<String> texts = new ArrayList<>();
        boolean[] ends = new boolean[64];
        long chars;
        long inputBytes;

        void add(String text, boolean end) {
            if (texts.size() == ends.length) ends = Arrays.copyOf(ends, ends.length * 2);
            ends[texts.size()] = end;
            texts.add(text);
            chars += text.length();
        }

        int size() {
            return texts.size();
        }
    }

    private void readInto(CorpusReader reader, Feeder feeder) {
        try {
            reader.readAll();
            feeder.finish();
        } catch (Stopped s) {
            // the writer is done; nothing to report
        } catch (Throwable t) {
            try {
                put(new Failure(t));
            } catch (Stopped ignored) {
                // the writer already gave up
            }
        }
    }

    private void put(Object item) {
        try {
            while (!stop) {
                if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new Stopped();
    }

    /** Collects pieces into batches on the reader thread. */
    private final class Feeder implements CorpusReader.Sink {
        private final long batchChars = Math.min(MAX_BATCH_CHARS, (long) BATCH_CHARS_PER_THREAD * pool.threads());
        private Batch current = new Batch();
        private long bytesRead;

        @Override
        public void piece(String text, boolean endsDocument) {
            if (stop) throw new Stopped();
            current.add(text, endsDocument);
            if (current.chars >= batchChars || current.size() >= MAX_BATCH_PIECES) flush();
        }

        @Override
        public void inputBytes(long n) {
            // every read passes here, so a reader skipping binary files still notices the writer has stopped
            if (stop) throw new Stopped();
            bytesRead += n;
        }

        @Override
        public void skippedBinary(String origin) {
            binarySkipped++;
        }

        @Override
        public void skippedBadLine(String origin, long line, String problem) {
            badLines++;
            if (badLineSamples.size() < BAD_LINES_SHOWN) badLineSamples.add(origin + ", line " + line + ": " + problem);
        }

        @Override
        public void skippedEmpty(String origin) {
            emptySkipped++;
        }

        private void flush() {
            current.inputBytes = bytesRead;
            put(current);
            current = new Batch();
        }

        void finish() {
            flush();
            put(END);
        }
    }
}
