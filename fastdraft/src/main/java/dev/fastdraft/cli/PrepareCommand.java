package dev.fastdraft.cli;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.prepare.CorpusPreparer;
import dev.fastdraft.pipeline.prepare.PrepareOptions;
import dev.fastdraft.pipeline.prepare.PrepareReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code prepare}: a corpus (text, JSON Lines, directories, zip archives) into uint32 token files. */
public final class PrepareCommand implements Command {
    @Override
    public String name() {
        return "prepare";
    }

    @Override
    public String summary() {
        return "tokenize text, JSON Lines, directories and zip archives into a uint32 token file (+ validation split)";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--tokenizer", "DIR", "directory with the target's tokenizer.json (a model directory will do)"),
                Option.values("--input", "PATH", "text files, .jsonl/.ndjson files, directories (recursive, sorted) and .zip archives; repeatable"),
                Option.value("--out", "FILE", "training tokens: little-endian uint32, each document followed by the EOS id"),
                Option.value("--val-out", "FILE", "held-out validation tokens (documents chosen by a hash of their index)"),
                Option.value("--val-fraction", "F", "share of documents held out with --val-out (default 0.01)"),
                Option.value("--text-field", "NAME", "the field of a JSON Lines record holding the text (default text)"),
                Option.flag("--skip-bad-lines", "skip and count malformed JSON Lines records instead of stopping at the first"),
                Option.values("--include", "GLOB", "in directories and archives, read only files matching a glob such as '*.java'; repeatable"),
                Option.value("--max-tokens", "N", "stop after the document that reaches N tokens (a long one: after its 256k-character piece); suffixes k, m, g"),
                Option.flag("--bos", "also put the tokenizer's BOS id before each document"),
                Option.value("--eos-id", "ID", "separator id after each document (default: the tokenizer's EOS)"),
                Option.value("--threads", "T", "tokenizing threads (default: physical cores)"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        Path tokDir = a.path("--tokenizer");
        if (!Files.isDirectory(tokDir) && !Files.isRegularFile(tokDir)) throw new UserError("--tokenizer: no such directory: " + tokDir);
        if (Files.isDirectory(tokDir) && !Files.isRegularFile(tokDir.resolve(Tokenizer.TOKENIZER_JSON))) {
            throw new UserError("--tokenizer: " + tokDir + " has no " + Tokenizer.TOKENIZER_JSON + "; give the target model's directory or its tokenizer files");
        }
        List<Path> inputs = a.strings("--input").stream().map(Path::of).toList();
        if (inputs.isEmpty()) throw new UserError("'prepare' needs --input PATH...; run 'prepare --help'");
        for (Path p : inputs) if (!Files.exists(p)) throw new UserError("--input: no such file or directory: " + p);
        if (a.has("--val-fraction") && !a.has("--val-out")) throw new UserError("--val-fraction needs --val-out FILE for the held-out documents");
        if (a.string("--out").isEmpty()) throw new UserError("--out: no output file given; give a file name such as train.bin");
        if (a.has("--val-out") && a.string("--val-out").isEmpty()) throw new UserError("--val-out: no output file given; give a file name such as val.bin");
        Path out = a.path("--out");
        if (Files.isDirectory(out)) throw new UserError("--out " + out + " is a directory; give a file name such as " + out.resolve("train.bin"));
        Path valOut = a.has("--val-out") ? a.path("--val-out") : null;
        if (valOut != null && Files.isDirectory(valOut)) throw new UserError("--val-out " + valOut + " is a directory; give a file name");
        // 0 means no limit inside PrepareOptions; from the user it is a mistake
        long maxTokens = a.longValue("--max-tokens", 0);
        if (a.has("--max-tokens") && maxTokens < 1) throw new UserError("--max-tokens must be at least 1, got " + a.string("--max-tokens"));
        PrepareOptions options = new PrepareOptions(inputs, out, valOut,
                a.number("--val-fraction", PrepareOptions.DEFAULT_VAL_FRACTION),
                a.string("--text-field", PrepareOptions.DEFAULT_TEXT_FIELD),
                maxTokens,
                a.strings("--include"),
                a.flag("--skip-bad-lines"),
                a.flag("--bos"),
                a.has("--eos-id") ? a.integer("--eos-id") : null,
                PrepareOptions.DEFAULT_PIECE_CHARS);

        Tokenizer tokenizer = Tokenizer.load(tokDir);
        CorpusPreparer preparer = new CorpusPreparer(tokenizer, options, WorkerPool.common(), console.err());
        PrepareReport r = preparer.run();
        summary(console, r, preparer, options);
        return 0;
    }

    private static void summary(Console console, PrepareReport r, CorpusPreparer preparer, PrepareOptions o) {
        var out = console.out();
        out.printf(Locale.ROOT, "documents: %,d (%,d held out for validation)%n", r.documents(), r.valDocuments());
        out.printf(Locale.ROOT, "text: %,d bytes -> %,d tokens (%.3f bytes/token); with separators %,d tokens (%,d validation)%n",
                r.textBytes(), r.contentTokens(), r.bytesPerToken(), r.tokens(), r.valTokens());
        out.printf(Locale.ROOT, "time: %.2f s, %.2f MB/s of text, %.0f tokens/s, %d threads%s%n", r.seconds(), r.megabytesPerSecond(),
                r.tokensPerSecond(), r.threads(), r.hitMaxTokens() ? "; stopped at --max-tokens" : "");
        if (r.binarySkipped() + r.badLines() + r.emptySkipped() > 0) {
            out.printf(Locale.ROOT, "skipped: %,d binary files, %,d bad lines, %,d empty documents%n", r.binarySkipped(), r.badLines(), r.emptySkipped());
        }
        for (String s : preparer.badLineSamples()) console.err().println("skipped bad line: " + s);
        if (r.badLines() > preparer.badLineSamples().size()) console.err().printf(Locale.ROOT, "... and %,d more bad lines%n", r.badLines() - preparer.badLineSamples().size());
        out.println("separator: id " + preparer.separatorId() + " after each document" + (o.addBos() ? ", BOS before each" : ""));
        out.println("wrote " + o.out() + (o.valOut() != null ? " and " + o.valOut() : ""));
        if (o.valOut() != null && r.valDocuments() == 0) {
            console.err().println("note: no document fell into the validation fraction " + o.valFraction() + "; raise --val-fraction or add documents");
        }
    }
}
