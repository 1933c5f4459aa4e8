package dev.fastdraft.pipeline.prepare;

import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.TokenFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prompts cut from a token file made by {@code prepare} (documents separated by an end-of-text id), from distinct
 * documents while there are enough: each starts at the beginning of a line somewhere inside its document and
 * runs for a fixed number of tokens, so that a model continues real text or code where it stands. Cut from the
 * held-out file, they are prompts neither the target nor the draft has seen.
 */
public final class PromptCutter {
    /** Words of the licence header every JDK source file opens with: code makes a better prompt. */
    private static final java.util.regex.Pattern LICENCE = java.util.regex.Pattern.compile("Copyright|Oracle|GNU|License|Classpath");

    /** The file has too few documents long enough for the prompts asked for. */
    public static final class TooFewDocuments extends IOException {
        TooFewDocuments(String message) {
            super(message);
        }
    }

    private PromptCutter() {}

    /**
     * {@code count} prompts of {@code promptTokens} tokens, each followed in its document by at least {@code roomAfter}
     * more. {@code skipHead}: start in the last two thirds of each document and drop windows that mention a
     * licence (source files open with a licence header and imports). Throws when the file has too few long documents.
     */
    public static List<String> cut(Path tokens, Tokenizer tok, int separator, int count, int promptTokens, int roomAfter, boolean skipHead, long seed)
            throws IOException {
        List<long[]> docs = new ArrayList<>();
        try (TokenFile f = TokenFile.open(tokens)) {
            long start = 0, n = f.length();
            for (long i = 0; i < n; i++) {
                if (f.get(i) == separator) {
                    if (i - start >= promptTokens + roomAfter) docs.add(new long[] {start, i});
                    start = i + 1;
                }
            }
            SplittableRandom rnd = new SplittableRandom(seed);
            List<String> prompts = new ArrayList<>();
            // documents visited in a seeded order
            int[] order = rnd.ints(0, Integer.MAX_VALUE).limit(docs.size()).toArray();
            Integer[] idx = new Integer[docs.size()];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            java.util.Arrays.sort(idx, (a, b) -> Integer.compare(order[a], order[b]));
            // several prompts per document where there are few (the target's own text)
            for (int d = 0; d < 8 * idx.length && prompts.size() < count; d++) {
                long[] doc = docs.get(idx[d % idx.length]);
                long last = doc[1] - promptTokens - roomAfter;
                long first = skipHead ? doc[0] + (doc[1] - doc[0]) / 3 : doc[0];
                if (first >= last) continue;
                long at = first + (long) (rnd.nextDouble() * (last - first));
                // move to the start of the next line
                while (at < last && !tok.decode(new int[] {f.get(at)}).contains("\n")) at++;
                if (at >= last) continue;
                int[] ids = new int[promptTokens];
                for (int i = 0; i < promptTokens; i++) ids[i] = f.get(at + 1 + i);
                String text = tok.decode(ids);
                if (!text.isBlank() && !(skipHead && LICENCE.matcher(text).find())) prompts.add(text);
            }
            if (prompts.size() < count) {
                throw new TooFewDocuments(tokens + " holds too few documents long enough for " + count + " prompts of " + promptTokens + " tokens (found "
                        + prompts.size() + ")");
            }
            return prompts;
        }
    }

    /** Writes prompts as JSON Lines with a {@code prompt} field, the form {@code synth} and {@code eval} read. */
    public static void write(Path file, List<String> prompts) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String s : prompts) sb.append(Json.write(Map.of("prompt", s))).append('\n');
        AtomicFile.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
