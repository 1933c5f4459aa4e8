package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --stop TEXT}: generate and speculate end at the token whose text completes a stop string, and agree. */
class StopOptionTest {
    @TempDir
    static Path dir;

    @Test
    void generateAndSpeculateStopAtTheSameToken() throws Exception {
        Path model = TinyModels.model(dir.resolve("model"), TinyModels.config(32, 2, 256), 3, 0.3, DType.F32);
        Path draft = TinyModels.model(dir.resolve("draft"), TinyModels.config(16, 1, 256), 4, 0.3, DType.F32);
        String[] common = {"--prompt", "the cat", "--max-new-tokens", "16", "--ignore-eos", "--json"};
        Map<String, Object> full = run(with(new String[] {"generate", "--model", model.toString()}, common));
        String text = (String) full.get("text");
        assertTrue(text.length() >= 8, "enough text to cut: " + text);
        String stop = text.substring(4, 6);
        int end = text.indexOf(stop) + stop.length();

        Map<String, Object> g = run(with(new String[] {"generate", "--model", model.toString(), "--stop", stop}, common));
        Map<String, Object> s = run(with(new String[] {"speculate", "--target", model.toString(), "--draft", draft.toString(), "--stop", stop, "--draft-tokens", "5"}, common));
        String cut = (String) g.get("text");
        assertEquals("stop", g.get("stop_reason"));
        assertTrue(cut.length() >= end && cut.length() < text.length() && text.startsWith(cut), "ends with the token that completes '" + stop + "': " + cut);
        assertTrue(((List<?>) g.get("ids")).size() < ((List<?>) full.get("ids")).size());
        assertEquals(g.get("ids"), s.get("ids"), "speculation stops where the target alone stops");
        assertEquals("stop", s.get("stop_reason"));
    }

    @Test
    void aStopStringNeedsATokenizer() throws Exception {
        Path bare = TinyModels.model(dir.resolve("bare"), TinyModels.config(16, 1, 64), 5, 0.3, DType.F32);
        java.nio.file.Files.delete(bare.resolve("tokenizer.json"));
        CliRun r = cli("generate", "--model", bare.toString(), "--ids", "1,2", "--stop", "x");
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("--stop needs the model's tokenizer"), r.err());
    }

    private static String[] with(String[] head, String... more) {
        String[] all = java.util.Arrays.copyOf(head, head.length + more.length);
        System.arraycopy(more, 0, all, head.length, more.length);
        return all;
    }

    private static Map<String, Object> run(String... args) {
        CliRun r = cli(args);
        assertEquals(0, r.rc(), r.err());
        return Json.parseObject(r.out().trim());
    }
}
