package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cut-prompts on a corpus tokenized here with a tokenizer learned here: prompts are real windows, errors one line. */
class CutPromptsCommandTest {
    @TempDir
    static Path dir;
    static Path tok, tokens;
    static final List<String> docs = new ArrayList<>();

    @BeforeAll
    static void corpus() throws Exception {
        Path text = Files.createDirectories(dir.resolve("text"));
        String[] words = {"the", "draft", "model", "proposes", "tokens", "and", "target", "checks", "them", "all", "at", "once"};
        for (int d = 0; d < 12; d++) {
            StringBuilder sb = new StringBuilder();
            for (int line = 0; line < 20; line++) {
                for (int w = 0; w < 8; w++) sb.append(words[(d * 7 + line * 3 + w * 5) % words.length]).append(w == 7 ? "" : " ");
                sb.append(" ").append(d).append('.').append(line).append('\n');
            }
            docs.add(sb.toString());
            Files.writeString(text.resolve("doc" + d + ".txt"), sb.toString());
        }
        tok = dir.resolve("tok");
        assertEquals(0, cli("train-tokenizer", "--input", text.toString(), "--vocab-size", "300", "--out", tok.toString()).rc());
        tokens = dir.resolve("tokens.bin");
        CliRun p = cli("prepare", "--tokenizer", tok.toString(), "--input", text.toString(), "--out", tokens.toString());
        assertEquals(0, p.rc(), p.err());
    }

    @Test
    void cutsWindowsThatStartAtALineOfARealDocument() throws Exception {
        Path out = dir.resolve("prompts.jsonl");
        CliRun r = cli("cut-prompts", "--tokenizer", tok.toString(), "--tokens", tokens.toString(), "--count", "6", "--length", "10",
                "--room", "20", "--seed", "3", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertEquals("wrote 6 prompts of 10 tokens to " + out, r.out().trim());
        List<String> lines = Files.readAllLines(out);
        assertEquals(6, lines.size());
        for (String line : lines) {
            Map<String, Object> rec = Json.parseObject(line);
            String prompt = (String) rec.get("prompt");
            assertFalse(prompt.isBlank());
            assertTrue(docs.stream().anyMatch(d -> d.contains(prompt) && (d.startsWith(prompt) || d.contains("\n" + prompt))),
                    "a window of a document, from the start of a line: '" + prompt + "'");
        }
        CliRun again = cli("cut-prompts", "--tokenizer", tok.toString(), "--tokens", tokens.toString(), "--count", "6", "--length", "10",
                "--room", "20", "--seed", "3", "--out", dir.resolve("again.jsonl").toString());
        assertEquals(0, again.rc(), again.err());
        assertEquals(lines, Files.readAllLines(dir.resolve("again.jsonl")), "the same seed cuts the same prompts");
    }

    @Test
    void userMistakesGetOneLineErrors() {
        Path out = dir.resolve("x.jsonl");
        CliRun r = cli("cut-prompts", "--tokenizer", tok.toString(), "--tokens", tokens.toString(), "--count", "5", "--length", "4000", "--out", out.toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().trim().startsWith("error: " + tokens + " holds too few documents long enough for 5 prompts of 4000 tokens"), r.err());
        assertTrue(r.err().trim().endsWith("; lower --count, --length or --room, or give a larger file"), r.err());
        assertEquals(1, r.err().trim().lines().count(), r.err());
        r = cli("cut-prompts", "--tokenizer", dir.toString(), "--tokens", tokens.toString(), "--count", "5", "--out", out.toString());
        assertEquals("error: --tokenizer: " + dir + " has no tokenizer.json; give the model's directory or its tokenizer files", r.err().trim());
        r = cli("cut-prompts", "--tokenizer", tok.toString(), "--tokens", dir.resolve("none.bin").toString(), "--count", "5", "--out", out.toString());
        assertEquals("error: --tokens: no such file: " + dir.resolve("none.bin"), r.err().trim());
        r = cli("cut-prompts", "--tokenizer", tok.toString(), "--tokens", tokens.toString(), "--count", "0", "--out", out.toString());
        assertEquals("error: --count must be at least 1, got 0", r.err().trim());
        assertFalse(Files.exists(out), "no output after a failed run");
    }
}
