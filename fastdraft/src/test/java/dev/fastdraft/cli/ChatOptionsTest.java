package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --chat, --system and --chat-template on tokenize, generate and synth, with a tiny model and template. */
class ChatOptionsTest {
    static final String TEMPLATE = "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
            + "{% if add_generation_prompt %}[assistant] {% endif %}";

    @TempDir
    static Path dir;
    static Path model, plain;

    @BeforeAll
    static void models() throws Exception {
        model = TinyModels.model(dir.resolve("chat"), TinyModels.config(32, 2, 128), 3, 0.3, DType.F32);
        Files.writeString(model.resolve("chat_template.jinja"), TEMPLATE);
        plain = TinyModels.model(dir.resolve("plain"), TinyModels.config(32, 2, 128), 3, 0.3, DType.F32);
    }

    static String ids(CliRun r) {
        assertEquals(0, r.rc(), r.err());
        return r.out().trim();
    }

    @Test
    void tokenizeChatEncodesTheRenderedUserTurn() {
        String rendered = "[system] be brief\n[user] the cat\n[assistant] ";
        assertEquals(ids(cli("tokenize", "--model", model.toString(), "--text", rendered, "--no-special")),
                ids(cli("tokenize", "--model", model.toString(), "--text", "the cat", "--chat", "--system", "be brief")));
    }

    @Test
    void generateChatFeedsTheTemplatedPrompt() throws Exception {
        int expected = ((List<?>) Json.parse(ids(cli("tokenize", "--model", model.toString(), "--text", "the cat", "--chat")))).size();
        CliRun r = cli("generate", "--model", model.toString(), "--prompt", "the cat", "--chat", "--max-new-tokens", "3", "--json");
        assertEquals(0, r.rc(), r.err());
        Map<String, Object> o = Json.parseObject(r.out().trim());
        assertEquals((long) expected, ((Number) o.get("prompt_tokens")).longValue());
        // the same template given as a file to a model without one
        Path file = dir.resolve("t.jinja");
        Files.writeString(file, TEMPLATE);
        CliRun f = cli("generate", "--model", plain.toString(), "--prompt", "the cat", "--chat-template", file.toString(), "--max-new-tokens", "3", "--json");
        assertEquals(0, f.rc(), f.err());
        assertEquals((long) expected, ((Number) Json.parseObject(f.out().trim()).get("prompt_tokens")).longValue());
    }

    @Test
    void mistakesAreOneLineErrors() {
        CliRun none = cli("generate", "--model", plain.toString(), "--prompt", "x", "--chat");
        assertEquals(2, none.rc());
        assertTrue(none.err().contains("has no chat template") && none.err().contains("--chat-template"), none.err());
        CliRun system = cli("generate", "--model", model.toString(), "--prompt", "x", "--system", "s");
        assertEquals(2, system.rc());
        assertTrue(system.err().contains("--system"), system.err());
        CliRun ids = cli("generate", "--model", model.toString(), "--ids", "1,2", "--chat");
        assertEquals(2, ids.rc());
        assertTrue(ids.err().contains("--ids"), ids.err());
        for (CliRun r : List.of(none, system, ids)) assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void synthRefusesToResumeWithAnotherPromptFormat() throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "the cat\nin the hat\n");
        Path out = dir.resolve("synth.jsonl");
        String[] base = {"synth", "--target", model.toString(), "--prompts", prompts.toString(), "--out", out.toString(),
                "--temperatures", "0", "--max-new-tokens", "4", "--limit", "1"};
        CliRun first = cli(base);
        assertEquals(0, first.rc(), first.err());
        assertTrue(first.err().contains("add --chat"), "a target with a template gets a hint: " + first.err());
        String[] chat = java.util.Arrays.copyOf(base, base.length + 1);
        chat[base.length] = "--chat";
        CliRun resumed = cli(chat);
        assertEquals(2, resumed.rc());
        assertTrue(resumed.err().contains("prompt_ids differ"), resumed.err());
        Path chatOut = dir.resolve("synth-chat.jsonl");
        chat[6] = chatOut.toString();
        CliRun fresh = cli(chat);
        assertEquals(0, fresh.rc(), fresh.err());
        Map<String, Object> rec = Json.parseObject(Files.readAllLines(chatOut).get(0));
        assertEquals("the cat", rec.get("prompt"), "the record keeps the prompt as given; its ids are the templated ones");
        assertEquals(Json.parse(ids(cli("tokenize", "--model", model.toString(), "--text", "the cat", "--chat"))), rec.get("prompt_ids"));
    }
}
