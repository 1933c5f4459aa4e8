package dev.fastdraft.models.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.tokenizer.SharedTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden outputs of Python's jinja2 3.1.6, configured as transformers' apply_chat_template configures it
 * (resources chat/README.md): every case must render byte for byte the same, or fail where jinja2 failed.
 */
class JinjaFixtureTest {
    static final LocalDateTime CLOCK = LocalDateTime.of(2026, 7, 4, 9, 5, 0);

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(String resource) throws IOException {
        try (InputStream in = JinjaFixtureTest.class.getResourceAsStream("/chat/" + resource)) {
            if (in == null) throw new IOException("missing test resource chat/" + resource);
            return (List<Map<String, Object>>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    static DynamicTest check(String name, String template, Map<String, Object> c) {
        return DynamicTest.dynamicTest(name, () -> {
            Map<String, Object> context = (Map<String, Object>) c.get("context");
            if (c.containsKey("error")) {
                TemplateException e = assertThrows(TemplateException.class,
                        () -> JinjaTemplate.compile(template).render(context, () -> CLOCK), "jinja2 failed with: " + c.get("error"));
                String expected = (String) c.get("error");
                // Python's own messages are matched where we produce the same error; raise_exception text always is.
                if (!e.reason().equals(expected) && !expected.startsWith("access to attribute") && !expected.contains(" is undefined")
                        && !expected.contains("has no attribute")) fail("expected error '" + expected + "', got '" + e.reason() + "'");
                return;
            }
            String out;
            try {
                out = JinjaTemplate.compile(template).render(context, () -> CLOCK);
            } catch (TemplateException e) {
                throw new AssertionError("template failed: " + e.getMessage() + "\n--- template:\n" + template, e);
            }
            assertEquals(c.get("expected"), out, "template:\n" + template);
        });
    }

    @TestFactory
    Stream<DynamicTest> jinja2Cases() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : cases("cases.json")) tests.add(check((String) c.get("name"), (String) c.get("template"), c));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> realVendorTemplates() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : cases("real-templates.json")) {
            String tokenizer = (String) c.get("tokenizer");
            tests.add(DynamicTest.dynamicTest((String) c.get("name"), () -> {
                Path dir = SharedTokenizers.dir(tokenizer);
                Map<String, Object> config = Json.parseObject(Files.readString(dir.resolve("tokenizer_config.json")));
                check(tokenizer + "/" + c.get("name"), (String) config.get("chat_template"), c).getExecutable().execute();
            }));
        }
        return tests.stream();
    }
}
