package dev.fastdraft.cli;

import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.prepare.PrepareOptions;
import dev.fastdraft.pipeline.prepare.TokenizerTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code train-tokenizer}: a byte-level BPE tokenizer (Llama 3 layout) learned from a corpus, as tokenizer.json. */
public final class TrainTokenizerCommand implements Command {
    @Override
    public String name() {
        return "train-tokenizer";
    }

    @Override
    public String summary() {
        return "learn a byte-level BPE tokenizer from a corpus and write Hugging Face tokenizer.json files";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.values("--input", "PATH", "text files, .jsonl files, directories and .zip archives, as for 'prepare'; repeatable"),
                Option.values("--include", "GLOB", "in directories and archives, read only files matching a glob such as '*.java'; repeatable"),
                Option.value("--text-field", "NAME", "the field of a JSON Lines record holding the text (default text)"),
                Option.flag("--skip-bad-lines", "skip and count malformed JSON Lines records instead of stopping at the first"),
                Option.value("--vocab-size", "N", "entries in all: 256 bytes, the merges, <|begin_of_text|> and <|end_of_text|> (default 8192)"),
                Option.value("--max-chars", "N", "learn from the first N characters of the corpus (default 20m); suffixes k, m, g"),
                Option.value("--out", "DIR", "directory for tokenizer.json and tokenizer_config.json"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        List<Path> inputs = a.strings("--input").stream().map(Path::of).toList();
        if (inputs.isEmpty()) throw new UserError("'train-tokenizer' needs --input PATH...; run 'train-tokenizer --help'");
        for (Path p : inputs) if (!Files.exists(p)) throw new UserError("--input: no such file or directory: " + p);
        int vocab = a.integer("--vocab-size", 8192);
        if (vocab < 258) throw new UserError("--vocab-size must be at least 258 (256 bytes and two special tokens), got " + vocab);
        long maxChars = a.longValue("--max-chars", 20_000_000L);
        if (maxChars <= 0) throw new UserError("--max-chars must be positive, got " + maxChars);
        Path out = a.path("--out");
        if (Files.isRegularFile(out)) throw new UserError("--out " + out + " is a file; give a directory");
        TokenizerTraining.train(inputs, a.strings("--include"), a.string("--text-field", PrepareOptions.DEFAULT_TEXT_FIELD), a.flag("--skip-bad-lines"),
                vocab, maxChars, out, console.err());
        Tokenizer tok = Tokenizer.load(out);
        console.out().printf("wrote %s (%d tokens) and %s to %s%n", Tokenizer.TOKENIZER_JSON, tok.vocabSize(), Tokenizer.TOKENIZER_CONFIG_JSON, out);
        return 0;
    }
}
