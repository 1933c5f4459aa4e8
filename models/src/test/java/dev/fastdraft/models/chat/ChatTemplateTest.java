package dev.fastdraft.models.chat;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.tokenizer.SharedTokenizers;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where transformers finds a model's chat template, what it passes to it, and how the result is tokenized. */
class ChatTemplateTest {
    @TempDir
    Path dir;

    static final String TEMPLATE = "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}";

    private String render(Path d) throws Exception {
        return ChatTemplate.find(d).orElseThrow().render(List.of(ChatTemplate.message("user", "hi")), true, Map.of());
    }

    @Test
    void tokenizerConfigTemplateWithSpecialTokensAsStringsOrObjects() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template", TEMPLATE,
                "bos_token", Map.of("content", "<s>", "lstrip", false))));
        assertEquals("<s><user>hi<assistant>", render(dir));
        assertEquals("<s><system>be brief<user>hi<assistant>", ChatTemplate.find(dir).orElseThrow().userTurn("be brief", "hi"));
    }

    @Test
    void jinjaFileWinsOverJsonFileWhichWinsOverTokenizerConfig() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template", "config", "bos_token", "<s>")));
        assertEquals("config", render(dir));
        Files.writeString(dir.resolve("chat_template.json"), Json.write(Map.of("chat_template", "json {{ bos_token }}")));
        assertEquals("json <s>", render(dir));
        Files.writeString(dir.resolve("chat_template.jinja"), "jinja {{ messages[0].content }}\n");
        assertEquals("jinja hi", render(dir), "the file's final newline is dropped, as jinja2 does");
    }

    @Test
    void namedTemplatesUseDefaultAndSayWhichExistOtherwise() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template",
                List.of(Map.of("name", "tool_use", "template", "tools"), Map.of("name", "default", "template", "plain")))));
        assertEquals("plain", render(dir));
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template", List.of(Map.of("name", "rag", "template", "r")))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.find(dir));
        assertTrue(e.getMessage().contains("no \"default\"") && e.getMessage().contains("rag"), e.getMessage());
    }

    @Test
    void specialTokensMapFillsWhatTokenizerConfigLacks() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template", "{{ bos_token }}|{{ eos_token }}", "eos_token", "</s>")));
        Files.writeString(dir.resolve("special_tokens_map.json"), Json.write(Map.of("bos_token", "<s>", "eos_token", "<other>")));
        assertEquals("<s>|</s>", render(dir));
    }

    @Test
    void noTemplateIsEmptyAndErrorsNameTheFileAndLine() throws Exception {
        assertTrue(ChatTemplate.find(dir).isEmpty());
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template", "line one\n{% if x %}unclosed")));
        TemplateException syntax = assertThrows(TemplateException.class, () -> ChatTemplate.find(dir));
        assertTrue(syntax.getMessage().contains("tokenizer_config.json") && syntax.getMessage().contains("endif"), syntax.getMessage());
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("chat_template",
                "{% if messages[0].role != 'system' %}\n{{ raise_exception('a system message must come first') }}{% endif %}")));
        TemplateException raised = assertThrows(TemplateException.class, () -> render(dir));
        assertEquals(2, raised.line());
        assertTrue(raised.getMessage().contains("a system message must come first"), raised.getMessage());
    }

    @Test
    void userFileTemplateKeepsTheModelsSpecialTokens() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.write(Map.of("bos_token", "<s>")));
        Path file = dir.resolve("mine.jinja");
        Files.writeString(file, TEMPLATE);
        assertEquals("<s><user>x<assistant>", ChatTemplate.load(file, dir).userTurn(null, "x"));
    }

    /** The Llama 3.1 template writes BOS itself; encoding adds no second one (transformers' apply_chat_template). */
    @Test
    void llama31ChatPromptHasOneBos() throws Exception {
        Path llama = SharedTokenizers.dir(SharedTokenizers.LLAMA3);
        Tokenizer tok = Tokenizer.load(llama);
        PromptFormat chat = PromptFormat.chat(tok, ChatTemplate.find(llama).orElseThrow(), "You are terse.");
        String text = chat.text("Hi there");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
        int[] ids = chat.encode("Hi there");
        int bos = tok.bosId().orElseThrow();
        assertEquals(bos, ids[0]);
        assertNotEquals(bos, ids[1], "one BOS, from the template");
        assertArrayEquals(tok.encode(text, false), ids);
        int eot = tok.tokenToId("<|eot_id|>").orElseThrow();
        assertEquals(2, java.util.Arrays.stream(ids).filter(id -> id == eot).count(), "special tokens in the text are matched as tokens");
        int[] plain = PromptFormat.plain(tok).encode(text);
        assertEquals(bos, plain[1], "encoding the rendered text with special tokens would double the BOS");
    }
}
