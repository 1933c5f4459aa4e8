package dev.fastdraft.models.chat;

import dev.fastdraft.models.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A model's chat template, found where transformers looks for it: {@code chat_template.jinja}, else
 * {@code chat_template.json}, else the {@code chat_template} of {@code tokenizer_config.json} (a string, or a list
 * of named templates of which "default" is used). Rendering passes what {@code apply_chat_template} passes:
 * {@code messages}, {@code add_generation_prompt}, the special tokens of tokenizer_config.json
 * ({@code bos_token}, {@code eos_token}, ...) and any extra variables.
 *
 * <p>The rendered text already holds the template's special tokens (such as BOS), so it is tokenized without
 * adding them again, as transformers does.
 */
public final class ChatTemplate {
    public static final String JINJA_FILE = "chat_template.jinja", JSON_FILE = "chat_template.json", TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    private final JinjaTemplate template;
    private final Map<String, Object> specialTokens;
    private final String origin;

    private ChatTemplate(JinjaTemplate template, Map<String, Object> specialTokens, String origin) {
        this.template = template;
        this.specialTokens = specialTokens;
        this.origin = origin;
    }

    /** A template from source text, with the special token strings it may refer to (bos_token, ...). */
    public static ChatTemplate of(String source, Map<String, String> specialTokens, String origin) {
        return new ChatTemplate(compile(source, origin), new LinkedHashMap<>(specialTokens), origin);
    }

    /** The chat template of a Hugging Face model or tokenizer directory, if it has one. */
    public static Optional<ChatTemplate> find(Path dir) throws IOException {
        Map<String, Object> config = tokenizerConfig(dir);
        Map<String, Object> tokens = specialTokens(config, dir);
        Path jinja = dir.resolve(JINJA_FILE);
        if (Files.isRegularFile(jinja)) return Optional.of(new ChatTemplate(compile(Files.readString(jinja), jinja.toString()), tokens, jinja.toString()));
        Path json = dir.resolve(JSON_FILE);
        if (Files.isRegularFile(json)) {
            Map<String, Object> o = parse(json);
            Object t = o.get("chat_template");
            if (t != null) return Optional.of(new ChatTemplate(compile(select(t, json), json.toString()), tokens, json.toString()));
        }
        Object t = config.get("chat_template");
        if (t == null) return Optional.empty();
        Path where = dir.resolve(TOKENIZER_CONFIG);
        return Optional.of(new ChatTemplate(compile(select(t, where), where.toString()), tokens, where + " (chat_template)"));
    }

    /** Whether {@link #find} would find a template in {@code dir}, without compiling it. */
    public static boolean present(Path dir) throws IOException {
        return Files.isRegularFile(dir.resolve(JINJA_FILE)) || Files.isRegularFile(dir.resolve(JSON_FILE))
                || tokenizerConfig(dir).get("chat_template") != null;
    }

    /** A template file given by the user, with the special tokens of the model directory {@code dir}. */
    public static ChatTemplate load(Path file, Path dir) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("chat template " + file + " does not exist");
        return new ChatTemplate(compile(Files.readString(file), file.toString()), specialTokens(tokenizerConfig(dir), dir), file.toString());
    }

    /** Where the template came from, for messages. */
    public String origin() {
        return origin;
    }

    /** One message as templates expect it: {@code {"role": ..., "content": ...}}. */
    public static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt, Map<String, ?> extra) {
        return render(messages, addGenerationPrompt, extra, LocalDateTime::now);
    }

    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt, Map<String, ?> extra, Supplier<LocalDateTime> clock) {
        Map<String, Object> context = new LinkedHashMap<>(specialTokens);
        context.putAll(extra);
        context.put("messages", new ArrayList<>(messages));
        context.put("add_generation_prompt", addGenerationPrompt);
        try {
            return template.render(context, clock);
        } catch (TemplateException e) {
            throw new TemplateException(origin + ": " + e.reason(), e.line());
        }
    }

    /** The text a model sees for one user turn (after an optional system turn), ready for the assistant's reply. */
    public String userTurn(String system, String user) {
        List<Map<String, Object>> messages = new ArrayList<>();
        if (system != null) messages.add(message("system", system));
        messages.add(message("user", user));
        return render(messages, true, Map.of());
    }

    private static JinjaTemplate compile(String source, String origin) {
        try {
            return JinjaTemplate.compile(source);
        } catch (TemplateException e) {
            throw new TemplateException(origin + ": " + e.reason(), e.line());
        }
    }

    private static String select(Object t, Path file) {
        if (t instanceof String s) return s;
        if (t instanceof List<?> list) {
            List<String> names = new ArrayList<>();
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("name") instanceof String name && m.get("template") instanceof String text) {
                    if (name.equals("default")) return text;
                    names.add(name);
                } else {
                    throw new IllegalArgumentException(file + ": chat_template list entries must be {\"name\": ..., \"template\": ...}");
                }
            }
            throw new IllegalArgumentException(file + ": chat_template has no \"default\" entry (it has " + names
                    + "); give the one to use with --chat-template FILE");
        }
        throw new IllegalArgumentException(file + ": chat_template must be a string or a list of named templates, found " + Json.typeName(t));
    }

    /** tokenizer_config.json, with special tokens it lacks taken from special_tokens_map.json, as transformers does. */
    private static Map<String, Object> tokenizerConfig(Path dir) throws IOException {
        Path p = dir.resolve(TOKENIZER_CONFIG), map = dir.resolve("special_tokens_map.json");
        Map<String, Object> config = new LinkedHashMap<>(Files.isRegularFile(p) ? parse(p) : Map.of());
        if (Files.isRegularFile(map)) parse(map).forEach(config::putIfAbsent);
        return config;
    }

    private static Map<String, Object> parse(Path p) throws IOException {
        try {
            return Json.parseObject(Files.readString(p));
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
        }
    }

    /** Special tokens are strings or AddedToken objects with "content"; absent or null ones stay undefined. */
    private static Map<String, Object> specialTokens(Map<String, Object> config, Path dir) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKENS) {
            Object v = config.get(key);
            if (v instanceof Map<?, ?> m) v = m.get("content");
            if (v instanceof String s) out.put(key, s);
            else if (v != null) throw new IllegalArgumentException(dir.resolve(TOKENIZER_CONFIG) + ": " + key + " must be a string or an object with \"content\"");
        }
        Object extra = config.get("additional_special_tokens");
        if (extra instanceof List<?> l) {
            List<Object> names = new ArrayList<>();
            for (Object o : l) names.add(o instanceof Map<?, ?> m ? m.get("content") : o);
            out.put("additional_special_tokens", names);
        }
        return out;
    }
}
