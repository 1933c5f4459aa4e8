package dev.fastdraft.cli;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.chat.PromptFormat;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code tokenize --model DIR (--text S | --input-jsonl FILE | --decode IDS)}: token ids of text with a
 * Hugging Face tokenizer, one JSON array per input on its own line. Special tokens are added as the
 * tokenizer's own files say (Hugging Face's default add_special_tokens=True) unless {@code --no-special}.
 */
public final class TokenizeCommand implements Command {
    /** Lines encoded in parallel per batch; output order is kept. */
    private static final int BATCH = 2048;

    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "token ids of text (or text of ids) with a Hugging Face tokenizer.json";
    }

    @Override
    public List<Option> options() {
        return CliSupport.options(List.of(
                Option.value("--model", "DIR", "directory with tokenizer.json and tokenizer_config.json"),
                Option.value("--text", "STRING", "text to encode"),
                Option.value("--input-jsonl", "FILE", "encode each line, a JSON string; prints one array per line"),
                Option.value("--decode", "IDS", "decode comma-separated ids (e.g. 1,2,3) and print the text"),
                Option.flag("--no-special", "do not add special tokens (BOS/EOS) when encoding"),
                Option.flag("--skip-special", "with --decode: leave out special tokens")), CliSupport.CHAT);
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        int modes = (args.has("--text") ? 1 : 0) + (args.has("--input-jsonl") ? 1 : 0) + (args.has("--decode") ? 1 : 0);
        if (modes != 1) throw new UserError("tokenize needs exactly one of --text, --input-jsonl or --decode; run 'tokenize --help'");
        Tokenizer tokenizer = loadTokenizer(args.path("--model"));
        boolean special = !args.flag("--no-special");
        PromptFormat format = CliSupport.promptFormat(args, args.path("--model"), tokenizer);
        if (format.isChat() && args.flag("--no-special")) throw new UserError("--no-special does not apply with --chat: the chat template places the special tokens");
        Function<String, int[]> encode = format.isChat() ? format::encode : text -> tokenizer.encode(text, special);
        if (args.has("--decode")) {
            console.out().println(tokenizer.decode(args.intList("--decode"), args.flag("--skip-special")));
        } else if (args.has("--text")) {
            console.out().println(Json.write(encode.apply(args.string("--text"))));
        } else {
            encodeJsonl(encode, args.path("--input-jsonl"), console);
        }
        console.out().flush();
        return 0;
    }

    /** Loads a tokenizer, turning a missing directory or file into a one-line error that says what to do. */
    public static Tokenizer loadTokenizer(Path dir) throws IOException {
        if (!Files.exists(dir)) throw new UserError("--model: no such directory: " + dir);
        Path json = Files.isDirectory(dir) ? dir.resolve(Tokenizer.TOKENIZER_JSON) : dir;
        if (!Files.isRegularFile(json)) {
            throw new UserError("--model: " + dir + " has no " + Tokenizer.TOKENIZER_JSON + "; download " + Tokenizer.TOKENIZER_JSON
                    + " and " + Tokenizer.TOKENIZER_CONFIG_JSON + " from the model's Hugging Face repository into it");
        }
        return Tokenizer.load(dir);
    }

    private static void encodeJsonl(Function<String, int[]> encode, Path file, Console console) throws IOException {
        if (Files.isDirectory(file)) throw new UserError("--input-jsonl: " + file + " is a directory; give a JSON Lines file");
        if (!Files.isRegularFile(file)) throw new UserError("--input-jsonl: no such file: " + file);
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
            List<String> batch = new ArrayList<>(BATCH);
            long lineNo = 0;
            String line;
            while (true) {
                try {
                    line = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new UserError("--input-jsonl " + file + ", line " + (lineNo + 1) + ": not valid UTF-8");
                }
                if (line == null) break;
                lineNo++;
                batch.add(parseLine(file, lineNo, line));
                if (batch.size() == BATCH) {
                    writeBatch(encode, batch, console);
                    batch.clear();
                }
            }
            writeBatch(encode, batch, console);
        }
    }

    private static String parseLine(Path file, long lineNo, String line) {
        String where = "--input-jsonl " + file + ", line " + lineNo + ": ";
        if (line.isBlank()) throw new UserError(where + "empty line; each line must be one JSON string such as \"some text\"");
        Object v;
        try {
            v = Json.parse(line);
        } catch (Json.JsonException e) {
            throw new UserError(where + e.getMessage().replace("malformed JSON at line 1, ", "malformed JSON at "));
        }
        if (!(v instanceof String s)) throw new UserError(where + "expected a JSON string, found " + Json.typeName(v));
        return s;
    }

    private static void writeBatch(Function<String, int[]> encode, List<String> batch, Console console) {
        if (batch.isEmpty()) return;
        int[][] ids = new int[batch.size()][];
        WorkerPool.common().parallelFor(batch.size(), i -> ids[i] = encode.apply(batch.get(i)));
        StringBuilder sb = new StringBuilder();
        for (int[] row : ids) {
            Json.write(sb, row);
            sb.append('\n');
        }
        console.out().print(sb);
    }
}
