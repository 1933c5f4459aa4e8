package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliPipelineTest.oneLineError;
import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options that used to be ignored, or taken to mean something odd, are refused; reports make sense at the edges. */
class IgnoredOrMisreadOptionsTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void tinyModel() throws Exception {
        model = TinyModels.model(dir.resolve("m"), TinyModels.config(16, 1, 64), 3, 0.3, DType.F32);
    }

    @Test
    void optionsWithoutTheirPartnerAreRefused() {
        oneLineError(cli("speculate", "--target", model.toString(), "--draft", model.toString(), "--ids", "1", "--max-draft-tokens", "8"),
                "--max-draft-tokens needs --adaptive");
        oneLineError(cli("chat", "--model", model.toString(), "--draft-tokens", "3"), "--draft-tokens needs --draft");
        oneLineError(cli("chat", "--model", model.toString(), "--draft-confidence", "0.5"), "--draft-confidence needs --draft");
    }

    @Test
    void emptyStopStringsAreRefused() {
        oneLineError(cli("generate", "--model", model.toString(), "--prompt", "the", "--stop", ""), "--stop needs non-empty text");
        oneLineError(cli("speculate", "--target", model.toString(), "--draft", model.toString(), "--prompt", "the", "--stop", "x", ""),
                "--stop needs non-empty text");
    }

    @Test
    void threadsAreCapped() {
        oneLineError(cli("generate", "--model", model.toString(), "--ids", "1", "--threads", "10000"), "--threads must be between 1 and ");
    }

    @Test
    void logitsBeyondTheContextSaySo() {
        String ids = "1" + ",1".repeat(64);
        oneLineError(cli("logits", "--model", model.toString(), "--ids", ids, "--out", dir.resolve("l.npy").toString()),
                "--ids: 65 ids exceed the model's context of 64 positions");
    }

    @Test
    void noNewTokensReportNoRate() {
        CliRun r = cli("generate", "--model", model.toString(), "--ids", "1,2,3", "--max-new-tokens", "0");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("[3 prompt tokens, no new tokens asked for]"), r.err());
        assertFalse(r.err().contains("tok/s"), r.err());
        CliRun j = cli("generate", "--model", model.toString(), "--ids", "1,2,3", "--max-new-tokens", "0", "--json");
        Map<String, Object> o = Json.parseObject(j.out().trim());
        assertEquals(0.0, ((Number) o.get("prefill_tokens_per_s")).doubleValue());
    }

    @Test
    void tokenizeInputThatIsAFolderSaysSo() {
        oneLineError(cli("tokenize", "--model", model.toString(), "--input-jsonl", dir.toString()), dir + " is a directory; give a JSON Lines file");
    }
}
