package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static dev.fastdraft.cli.CliRun.withInput;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chat}: turns continue from the KV cache and reply as a fresh run over the whole conversation would. */
class ChatCommandTest {
    static final String TEMPLATE = "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
            + "{% if add_generation_prompt %}[assistant] {% endif %}";

    @TempDir
    static Path dir;
    static Path model, draft;

    @BeforeAll
    static void models() throws Exception {
        model = TinyModels.model(dir.resolve("model"), TinyModels.config(32, 2, 256), 3, 0.3, DType.F32);
        Files.writeString(model.resolve("chat_template.jinja"), TEMPLATE);
        draft = TinyModels.model(dir.resolve("draft"), TinyModels.config(16, 1, 256), 4, 0.3, DType.F32);
    }

    /** The text greedy generation gives for a rendered conversation, from scratch. */
    static String fresh(String rendered) {
        CliRun ids = cli("tokenize", "--model", model.toString(), "--text", rendered, "--no-special");
        assertEquals(0, ids.rc(), ids.err());
        String idList = ((List<?>) Json.parse(ids.out().trim())).stream().map(String::valueOf).collect(Collectors.joining(","));
        CliRun g = cli("generate", "--model", model.toString(), "--ids", idList, "--max-new-tokens", "6", "--json");
        assertEquals(0, g.rc(), g.err());
        return (String) Json.parseObject(g.out().trim()).get("text");
    }

    @Test
    void turnsReuseTheCacheAndMatchFreshRuns() {
        String input = "the cat\nin the hat\n/reset\nthe cat\n/exit\nnever read\n";
        CliRun r = withInput(input, "chat", "--model", model.toString(), "--max-new-tokens", "6");
        assertEquals(0, r.rc(), r.err());
        String first = fresh("[user] the cat\n[assistant] ");
        String second = fresh("[user] the cat\n[assistant] " + first + "\n[user] in the hat\n[assistant] ");
        assertEquals(first + "\n" + second + "\n" + first + "\n", r.out(), "replies, one per turn; after /reset the first again");
        List<String> stats = r.err().lines().filter(l -> l.contains("tok/s")).toList();
        assertEquals(3, stats.size(), r.err());
        assertFalse(stats.get(0).contains("cached"), stats.get(0));
        assertTrue(stats.get(1).contains("cached"), "the second turn reuses the first: " + stats.get(1));
        assertTrue(r.err().contains("(conversation cleared)"), r.err());

        CliRun spec = withInput(input, "chat", "--model", model.toString(), "--draft", draft.toString(), "--draft-tokens", "3", "--max-new-tokens", "6");
        assertEquals(0, spec.rc(), spec.err());
        assertEquals(r.out(), spec.out(), "greedy speculative decoding replies exactly as the model alone");
        assertTrue(spec.err().contains("tokens per target call"), spec.err());
    }

    @Test
    void aTurnThatDoesNotFitIsRefusedAndTheChatGoesOn() {
        CliRun r = withInput("the cat\n" + "x".repeat(100) + "\nthe cat\n", "chat", "--model", model.toString(), "--context", "60", "--max-new-tokens", "4");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("raise --context"), r.err());
        assertEquals(2, r.err().lines().filter(l -> l.contains("tok/s")).count(), r.err());
        Path strict = dir.resolve("strict.jinja");
        try {
            Files.writeString(strict, "{% if messages|length > 1 %}{{ raise_exception('one turn only') }}{% endif %}" + TEMPLATE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun refused = withInput("the cat\nagain\n", "chat", "--model", model.toString(), "--chat-template", strict.toString(), "--max-new-tokens", "3");
        assertEquals(0, refused.rc(), refused.err());
        assertTrue(refused.err().contains("refused this turn") && refused.err().contains("one turn only"), refused.err());
        CliRun bad = withInput("", "chat", "--model", model.toString(), "--context", "100000");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().contains("--context"), bad.err());
    }
}
