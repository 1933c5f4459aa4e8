package dev.fastdraft.cli;

import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.prepare.PromptCutter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code cut-prompts}: prompts for {@code synth} or {@code eval} cut from a token file made by {@code prepare}.
 * From the held-out file ({@code prepare --val-out}) they are prompts neither model has seen.
 */
public final class CutPromptsCommand implements Command {
    @Override
    public String name() {
        return "cut-prompts";
    }

    @Override
    public String summary() {
        return "cut prompts for synth or eval from a token file made by prepare (its held-out file: unseen prompts)";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--tokenizer", "DIR", "the tokenizer the token file was made with (a model directory or tokenizer files)"),
                Option.value("--tokens", "FILE", "token file made by prepare, documents separated by the end-of-text id"),
                Option.value("--count", "N", "prompts to cut, from distinct documents while there are enough"),
                Option.value("--length", "T", "tokens per prompt; each starts at the beginning of a line (default 48)"),
                Option.value("--room", "T", "tokens that must follow each prompt in its document (default 128)"),
                Option.flag("--skip-head", "start in the last two thirds of each document and drop windows that mention a licence (source files)"),
                Option.value("--seed", "S", "seed of the choice of documents and positions (default 1)"),
                Option.value("--out", "FILE", "JSON Lines with a \"prompt\" field"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        Path tokDir = a.path("--tokenizer"), tokens = a.path("--tokens"), out = a.path("--out");
        if (!Files.isRegularFile(tokDir.resolve(Tokenizer.TOKENIZER_JSON))) {
            throw new UserError("--tokenizer: " + tokDir + " has no " + Tokenizer.TOKENIZER_JSON + "; give the model's directory or its tokenizer files");
        }
        if (!Files.isRegularFile(tokens)) throw new UserError("--tokens: no such file: " + tokens);
        if (Files.isDirectory(out)) throw new UserError("--out " + out + " is a directory; give a file name such as " + out.resolve("prompts.jsonl"));
        int count = a.integer("--count");
        int length = a.integer("--length", 48);
        int room = a.integer("--room", 128);
        if (count < 1) throw new UserError("--count must be at least 1, got " + count);
        if (length < 1) throw new UserError("--length must be at least 1, got " + length);
        if (room < 0) throw new UserError("--room must not be negative, got " + room);
        Tokenizer tok = Tokenizer.load(tokDir);
        if (tok.eosIds().length == 0) throw new UserError("--tokenizer: " + tokDir + " names no end-of-text token, so documents cannot be told apart");
        List<String> prompts;
        try {
            prompts = PromptCutter.cut(tokens, tok, tok.eosIds()[0], count, length, room, a.flag("--skip-head"), a.integer("--seed", 1));
        } catch (PromptCutter.TooFewDocuments e) {
            throw new UserError(e.getMessage() + "; lower --count, --length or --room, or give a larger file");
        }
        PromptCutter.write(out, prompts);
        console.out().printf("wrote %d prompts of %d tokens to %s%n", prompts.size(), length, out);
        return 0;
    }
}
