package dev.fastdraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tokenize} command end to end through {@link Main#run}, on the real Llama 3.1 tokenizer. */
class TokenizeCommandTest {
    @TempDir
    Path tmp;

    private record Result(int rc, String out, String err) {}

    private static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(argv, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false));
        return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** shared/tokenizers/llama-3.1 as the models tests find it (fastdraft.shared, or walking up). */
    private static String llama() {
        String prop = System.getProperty("fastdraft.shared");
        Path found = null;
        if (prop != null) found = Path.of(prop, "tokenizers", "llama-3.1");
        for (Path dir = Path.of("").toAbsolutePath(); found == null && dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/tokenizers/llama-3.1"))) found = dir.resolve("shared/tokenizers/llama-3.1");
        }
        String why = "skipped: shared/tokenizers/llama-3.1 not found at or above " + Path.of("").toAbsolutePath() + " (or -Dfastdraft.shared)";
        if (found == null || !Files.isDirectory(found)) System.out.println(why);
        assumeTrue(found != null && Files.isDirectory(found), why);
        return found.toString();
    }

    @Test
    void encodesTextWithTheTokenizersSpecialTokens() {
        Result r = run("tokenize", "--model", llama(), "--text", "Hello world");
        assertEquals(0, r.rc(), r.err());
        assertEquals("[128000,9906,1917]\n", r.out().replace(System.lineSeparator(), "\n"));
        assertEquals("[9906,1917]", run("tokenize", "--model", llama(), "--text", "Hello world", "--no-special").out().strip());
    }

    @Test
    void encodesJsonLinesInOrder() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) sb.append(i % 2 == 0 ? "\"Hello world\"\n" : "\"\"\n");
        Files.writeString(in, sb);
        Result r = run("tokenize", "--model", llama(), "--input-jsonl", in.toString());
        assertEquals(0, r.rc(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(5000, lines.length);
        assertEquals("[128000,9906,1917]", lines[0]);
        assertEquals("[128000]", lines[1]);
        assertEquals("[128000,9906,1917]", lines[4998]);
    }

    @Test
    void malformedLineIsOneErrorWithItsNumber() throws Exception {
        Path in = tmp.resolve("bad.jsonl");
        Files.writeString(in, "\"ok\"\n\"unterminated\n");
        Result r = run("tokenize", "--model", llama(), "--input-jsonl", in.toString());
        assertEquals(2, r.rc());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: --input-jsonl " + in + ", line 2: malformed JSON"), r.err());
        Files.writeString(in, "\"ok\"\n{\"text\": \"x\"}\n");
        assertTrue(run("tokenize", "--model", llama(), "--input-jsonl", in.toString()).err().contains("line 2: expected a JSON string, found object"));
    }

    @Test
    void decodesIds() {
        assertEquals("Hello world", run("tokenize", "--model", llama(), "--decode", "128000,9906,1917", "--skip-special").out().strip());
        Result bad = run("tokenize", "--model", llama(), "--decode", "9906,999999");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().startsWith("error: token id 999999 is outside the vocabulary"), bad.err());
    }

    @Test
    void missingTokenizerFilesSayWhatToDo() {
        Result r = run("tokenize", "--model", tmp.toString(), "--text", "x");
        assertEquals(2, r.rc());
        assertEquals("error: --model: " + tmp + " has no tokenizer.json; download tokenizer.json and tokenizer_config.json"
                + " from the model's Hugging Face repository into it", r.err().strip());
        assertTrue(run("tokenize", "--model", llama()).err().contains("exactly one of --text, --input-jsonl or --decode"));
    }
}
