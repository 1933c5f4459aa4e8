package dev.fastdraft.pipeline.prepare;

import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.tokenizer.BpeTrainer;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Trains a byte-level BPE tokenizer on the first {@code maxChars} characters of a corpus (read as
 * {@code prepare} reads it) and writes tokenizer.json + tokenizer_config.json into a directory.
 */
public final class TokenizerTraining {
    private TokenizerTraining() {}

    /** Stops the reader once the character budget is spent. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    /**
     * {@code textField} and {@code skipBadLines}: as for {@code prepare}; without {@code skipBadLines} a malformed
     * JSON Lines record stops the run with its file and line.
     */
    public static BpeTrainer.Trained train(List<Path> inputs, List<String> includes, String textField, boolean skipBadLines, int vocabSize,
                                         long maxChars, Path outDir, PrintStream log) throws IOException {
        BpeTrainer trainer = new BpeTrainer(vocabSize);
        PrepareOptions options = new PrepareOptions(inputs, outDir.resolve(Tokenizer.TOKENIZER_JSON), null,
                PrepareOptions.DEFAULT_VAL_FRACTION, textField, 0, includes, skipBadLines, false, null,
                PrepareOptions.DEFAULT_PIECE_CHARS);
        long[] badLines = {0};
        Progress progress = new Progress(log, "counting words", "chars", maxChars, 0);
        CorpusReader reader = new CorpusReader(options, c -> false, new CorpusReader.Sink() {
            @Override
            public void piece(String text, boolean endsDocument) {
                trainer.add(text);
                progress.update(trainer.chars(), "", false);
                if (trainer.chars() >= maxChars) throw new Enough();
            }

            @Override
            public void inputBytes(long n) {}

            @Override
            public void skippedBinary(String origin) {}

            @Override
            public void skippedBadLine(String origin, long line, String problem) {
                badLines[0]++;
            }

            @Override
            public void skippedEmpty(String origin) {}
        });
        try {
            reader.readAll();
        } catch (Enough done) {
            // the budget is spent
        }
        progress.finish(trainer.chars(), "");
        if (badLines[0] > 0) log.printf(Locale.ROOT, "skipped %,d bad lines%n", badLines[0]);
        if (trainer.chars() == 0) throw new IOException("no text found in " + inputs + (includes.isEmpty() ? "" : " matching " + includes));
        long t0 = System.nanoTime();
        BpeTrainer.Trained files = trainer.train();
        log.printf(Locale.ROOT, "learned the merges in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Files.createDirectories(outDir);
        AtomicFile.write(outDir.resolve(Tokenizer.TOKENIZER_JSON), files.tokenizerJson().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(outDir.resolve(Tokenizer.TOKENIZER_CONFIG_JSON), files.tokenizerConfigJson().getBytes(StandardCharsets.UTF_8));
        return files;
    }
}
