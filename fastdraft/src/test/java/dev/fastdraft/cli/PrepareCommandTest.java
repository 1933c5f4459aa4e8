package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.SharedTokenizers;
import dev.fastdraft.pipeline.TokenFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepare command: summary, files and one-line errors. The token-level checks are in CorpusPreparerTest. */
class PrepareCommandTest {
    @TempDir
    static Path dir;
    static Path tok, text, jsonl, zip;

    @BeforeAll
    static void corpus() throws Exception {
        tok = SharedTokenizers.require("mistral-7b");
        text = Files.writeString(dir.resolve("story.txt"), "Once upon a time there was a tokenizer.\nIt split words.\n");
        jsonl = Files.writeString(dir.resolve("records.jsonl"), "{\"content\": \"alpha\"}\n{\"content\": \"beta\"\n{\"content\": \"gamma\"}\n");
        zip = dir.resolve("src.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (int i = 0; i < 40; i++) {
                z.putNextEntry(new ZipEntry("p/C" + i + ".java"));
                z.write(("class C" + i + " { int f() { return " + i + "; } }\n").getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
    }

    @Test
    void preparesAndSummarises() throws Exception {
        Path out = dir.resolve("train.bin"), val = dir.resolve("val.bin");
        CliRun r = cli("prepare", "--tokenizer", tok.toString(), "--input", text.toString(), jsonl.toString(), zip.toString(),
                "--text-field", "content", "--skip-bad-lines", "--include", "*.java", "--val-out", val.toString(), "--val-fraction", "0.2",
                "--threads", "2", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().startsWith("documents: 43 ("), r.out());
        assertTrue(r.out().contains("skipped: 0 binary files, 1 bad lines, 0 empty documents"), r.out());
        assertTrue(r.out().contains("separator: id 2 after each document"), r.out());
        assertTrue(r.err().contains("skipped bad line: " + jsonl + ", line 2: malformed JSON"), r.err());
        assertTrue(r.err().contains("prepare "), "a progress line: " + r.err());
        Tokenizer t = Tokenizer.load(tok);
        try (TokenFile train = TokenFile.open(out); TokenFile held = TokenFile.open(val)) {
            assertTrue(held.length() > 0 && train.length() > held.length());
            // the story is document 0; its side of the split decides which file starts with it
            int[] story = t.encode("Once upon a time there was a tokenizer.\nIt split words.\n", false);
            TokenFile first = dev.fastdraft.pipeline.prepare.ValSplit.isValidation(0, 0.2) ? held : train;
            int[] head = new int[story.length + 1];
            first.read(0, head, 0, head.length, t.vocabSize());
            assertArrayEquals(story, java.util.Arrays.copyOf(head, story.length));
            assertEquals(2, head[story.length]);
        }
    }

    @Test
    void userMistakesGetOneLineErrors() throws Exception {
        Path out = dir.resolve("x.bin");
        assertError("error: " + jsonl + ", line 2: malformed JSON at column 19: unexpected end of input in object; fix the line or add --skip-bad-lines",
                "prepare", "--tokenizer", tok.toString(), "--input", jsonl.toString(), "--text-field", "content", "--out", out.toString());
        assertFalse(Files.exists(out), "no output after a failed run");
        assertError("error: " + jsonl + ", line 1: the record has no \"text\" field (fields: content); fix the line or add --skip-bad-lines",
                "prepare", "--tokenizer", tok.toString(), "--input", jsonl.toString(), "--out", out.toString());
        assertError("error: --input: no such file or directory: " + dir.resolve("missing.txt"),
                "prepare", "--tokenizer", tok.toString(), "--input", dir.resolve("missing.txt").toString(), "--out", out.toString());
        assertError("error: --tokenizer: " + dir + " has no tokenizer.json; give the target model's directory or its tokenizer files",
                "prepare", "--tokenizer", dir.toString(), "--input", text.toString(), "--out", out.toString());
        assertError("error: --val-fraction needs --val-out FILE for the held-out documents",
                "prepare", "--tokenizer", tok.toString(), "--input", text.toString(), "--val-fraction", "0.1", "--out", out.toString());
        assertError("error: prepare: --val-fraction must be between 0 and 1 (exclusive), got 1.5",
                "prepare", "--tokenizer", tok.toString(), "--input", text.toString(), "--val-fraction", "1.5", "--val-out", dir.resolve("v.bin").toString(), "--out", out.toString());
        assertError("error: --out " + dir + " is a directory; give a file name such as " + dir.resolve("train.bin"),
                "prepare", "--tokenizer", tok.toString(), "--input", text.toString(), "--out", dir.toString());
        assertError("error: 'prepare' needs --input PATH...; run 'prepare --help'", "prepare", "--tokenizer", tok.toString(), "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesToWriteOverItsInput() throws Exception {
        Path corpus = Files.writeString(dir.resolve("own.txt"), "text that must survive\n");
        Path link = dir.resolve("own-link.txt");
        Files.createSymbolicLink(link, corpus.getFileName());
        assertError("error: prepare: --out " + corpus + " is the input " + corpus + "; writing it would destroy the corpus, give another file name",
                "prepare", "--tokenizer", tok.toString(), "--input", corpus.toString(), "--out", corpus.toString());
        assertError("error: prepare: --val-out " + link + " is the input " + corpus + "; writing it would destroy the corpus, give another file name",
                "prepare", "--tokenizer", tok.toString(), "--input", corpus.toString(), "--val-out", link.toString(), "--out", dir.resolve("t.bin").toString());
        assertEquals("text that must survive\n", Files.readString(corpus));
    }

    @Test
    void aCorpusWithoutTextIsAnError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        Path binary = Files.write(dir.resolve("blob.txt"), new byte[] {1, 0, 2});
        Path out = dir.resolve("none.bin");
        CliRun r = cli("prepare", "--tokenizer", tok.toString(), "--input", empty.toString(), binary.toString(), "--out", out.toString());
        assertEquals(2, r.rc(), r.err());
        // after the progress line
        assertTrue(r.err().endsWith("\nerror: prepare: no text to tokenize in [" + empty + ", " + binary + "] (skipped 1 binary files, 1 empty documents);"
                + " give UTF-8 text files, JSON Lines records or zip archives of them\n"), r.err());
        assertFalse(Files.exists(out), "no empty token file");
        assertError("error: --max-tokens must be at least 1, got 0",
                "prepare", "--tokenizer", tok.toString(), "--input", text.toString(), "--max-tokens", "0", "--out", out.toString());
        assertError("error: --out: no output file given; give a file name such as train.bin",
                "prepare", "--tokenizer", tok.toString(), "--input", text.toString(), "--out", "");
        Path fake = Files.writeString(dir.resolve("fake.zip"), "not an archive");
        CliRun z = cli("prepare", "--tokenizer", tok.toString(), "--input", fake.toString(), "--out", out.toString());
        assertEquals(2, z.rc(), z.err());
        assertTrue(z.err().contains("error: " + fake + " is not a readable zip archive"), z.err());
    }

    @Test
    void invalidUtf8IsAnErrorNamingTheFileAndLine() throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "caf\u00e9\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1));
        Path records = Files.write(dir.resolve("latin1.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        Path out = dir.resolve("u.bin");
        assertError("error: " + latin1 + ", line 1: invalid UTF-8 at byte 3; convert the file to UTF-8 or leave it out",
                "prepare", "--tokenizer", tok.toString(), "--input", latin1.toString(), "--out", out.toString());
        assertError("error: " + records + ", line 2: invalid UTF-8 at byte 28; convert the file to UTF-8 or leave it out",
                "prepare", "--tokenizer", tok.toString(), "--input", records.toString(), "--skip-bad-lines", "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    static void assertError(String expected, String... args) {
        CliRun r = cli(args);
        assertEquals(2, r.rc(), r.err());
        assertEquals(expected, r.err().trim());
    }
}
