package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train-tokenizer reads its corpus as prepare does: malformed records and invalid UTF-8 stop it with file and line. */
class TrainTokenizerCommandTest {
    @TempDir
    Path dir;

    static String error(CliRun r) {
        assertEquals(2, r.rc(), r.err());
        String[] lines = r.err().trim().split("\n");
        return lines[lines.length - 1]; // after the progress line
    }

    @Test
    void malformedRecordsStopTheRunUnlessSkipped() throws Exception {
        Path records = Files.writeString(dir.resolve("r.jsonl"), "{\"text\": \"alpha beta\"}\n{\"text\": 5}\nnot json\n{\"text\": \"gamma\"}\n");
        Path out = dir.resolve("tok");
        assertEquals("error: " + records + ", line 2: field \"text\" is number, not a string; fix the line or add --skip-bad-lines",
                error(cli("train-tokenizer", "--input", records.toString(), "--vocab-size", "260", "--out", out.toString())));
        assertFalse(Files.exists(out.resolve("tokenizer.json")));

        CliRun r = cli("train-tokenizer", "--input", records.toString(), "--vocab-size", "260", "--skip-bad-lines", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("skipped 2 bad lines"), r.err());

        Path content = Files.writeString(dir.resolve("c.jsonl"), "{\"content\": \"alpha beta\"}\n");
        assertEquals(0, cli("train-tokenizer", "--input", content.toString(), "--text-field", "content", "--vocab-size", "260",
                "--out", dir.resolve("tok2").toString()).rc());
    }

    @Test
    void invalidUtf8IsAnError() throws Exception {
        Path latin1 = Files.write(dir.resolve("l.txt"), "ok\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("error: " + latin1 + ", line 2: invalid UTF-8 at byte 6; convert the file to UTF-8 or leave it out",
                error(cli("train-tokenizer", "--input", latin1.toString(), "--vocab-size", "260", "--out", dir.resolve("tok").toString())));
    }
}
