package dev.fastdraft.models.chat;

import dev.fastdraft.models.tokenizer.Tokenizer;

/**
 * How a prompt's text becomes the ids a model sees: as plain text, with the special tokens the tokenizer's
 * config adds (Hugging Face's {@code add_special_tokens=True}), or as the user turn of a chat template, whose
 * rendered text is encoded without adding special tokens again (as {@code apply_chat_template} does).
 */
public record PromptFormat(Tokenizer tokenizer, ChatTemplate chat, String system) {
    public static PromptFormat plain(Tokenizer tokenizer) {
        return new PromptFormat(tokenizer, null, null);
    }

    public static PromptFormat chat(Tokenizer tokenizer, ChatTemplate chat, String system) {
        return new PromptFormat(tokenizer, chat, system);
    }

    public boolean isChat() {
        return chat != null;
    }

    /** The text the model reads for {@code prompt}. */
    public String text(String prompt) {
        return chat == null ? prompt : chat.userTurn(system, prompt);
    }

    public int[] encode(String prompt) {
        return chat == null ? tokenizer.encode(prompt) : tokenizer.encode(text(prompt), false);
    }
}
