package dev.fastdraft.pipeline.distill;

import dev.fastdraft.pipeline.synth.SynthRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * synth's JSON Lines read as distillation examples, split into training and validation by prompt (all samples
 * of a prompt land on the same side, so validation measures prompts the draft has not trained on).
 */
public record DistillData(Path file, List<DistillExample> train, List<DistillExample> validation, int topK, long completionTokens) {

    /**
     * Reads {@code file}. Malformed lines stop the read with their line number, or are skipped (and counted) with
     * {@code skipBad}. Every id must be below {@code vocab}; {@code needTopK} requires stored top-k probabilities
     * on every record.
     */
    public static DistillData read(Path file, int vocab, boolean needTopK, double valFraction, long seed, boolean skipBad, PrintStream log)
            throws IOException {
        if (!(valFraction >= 0 && valFraction < 1)) throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + valFraction);
        List<DistillExample> all = new ArrayList<>();
        int skipped = 0, lineNo = 0, k = -1;
        long tokens = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                DistillExample ex;
                try {
                    SynthRecord rec = SynthRecord.parse(line);
                    if (rec.promptIds().length == 0 && rec.completionIds().length == 0) throw new IllegalArgumentException("no token ids");
                    if (rec.completionIds().length == 0) throw new IllegalArgumentException("empty completion_ids");
                    ex = new DistillExample(rec.promptIds(), rec.completionIds(), rec.topk(), rec.topIds(), rec.topProbs(), lineNo);
                    checkTopK(ex);
                } catch (IllegalArgumentException e) {
                    if (skipBad) {
                        skipped++;
                        continue;
                    }
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage() + " (use --skip-bad-lines to skip such lines)");
                }
                checkVocab(file, ex, vocab);
                if (needTopK && ex.topK() == 0) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": no topk_ids/topk_probs; --loss kl and tv need data made by synth --store-topk K");
                }
                if (ex.topK() > 0) {
                    if (k < 0) k = ex.topK();
                    else if (k != ex.topK()) throw new IllegalArgumentException(file + ":" + lineNo + ": stores top-" + ex.topK() + " probabilities, earlier records top-" + k);
                }
                all.add(ex);
                tokens += ex.completionIds().length;
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // the reader decodes ahead of the lines it returns, so the line is approximate
            throw new IllegalArgumentException(file + " is not valid UTF-8 (after line " + lineNo + "); give the JSON Lines that synth writes");
        }
        if (skipped > 0) log.println("distill: skipped " + skipped + " malformed lines of " + file);
        if (all.isEmpty()) throw new IllegalArgumentException(file + ": no examples" + (skipped > 0 ? " (all " + skipped + " lines were malformed)" : ""));
        List<DistillExample> train = new ArrayList<>(), val = new ArrayList<>();
        for (DistillExample ex : all) (isValidation(ex, valFraction, seed) ? val : train).add(ex);
        if (train.isEmpty()) {
            throw new IllegalArgumentException(file + ": all " + all.size() + " examples fell into the validation split; lower --val-fraction");
        }
        return new DistillData(file, List.copyOf(train), List.copyOf(val), Math.max(0, k), tokens);
    }

    /** Longest example in tokens (prompt + completion). */
    public int longest() {
        int m = 0;
        for (DistillExample e : train) m = Math.max(m, e.length());
        for (DistillExample e : validation) m = Math.max(m, e.length());
        return m;
    }

    private static boolean isValidation(DistillExample ex, double fraction, long seed) {
        if (fraction == 0) return false;
        long h = seed * 0x9E3779B97F4A7C15L + Arrays.hashCode(ex.promptIds());
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53 < fraction;
    }

    private static void checkTopK(DistillExample ex) {
        int k = ex.topK();
        for (int c = 0; c < ex.completionIds().length && k > 0; c++) {
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    if (ex.topIds()[c * k + a] == ex.topIds()[c * k + b]) throw new IllegalArgumentException("topk_ids[" + c + "] lists id " + ex.topIds()[c * k + a] + " twice");
                }
            }
        }
    }

    private static void checkVocab(Path file, DistillExample ex, int vocab) {
        int worst = -1;
        for (int id : ex.promptIds()) worst = Math.max(worst, id);
        for (int id : ex.completionIds()) worst = Math.max(worst, id);
        if (ex.topIds() != null) for (int id : ex.topIds()) worst = Math.max(worst, id);
        if (worst >= vocab) {
            throw new IllegalArgumentException(file + ":" + ex.line() + ": token id " + worst + " is outside the draft's vocabulary of " + vocab
                    + "; the data was made by a target with another tokenizer than the draft's");
        }
    }
}
