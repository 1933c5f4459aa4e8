package dev.fastdraft.cli;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.ModelFiles;
import dev.fastdraft.pipeline.draft.DraftDesign;
import dev.fastdraft.pipeline.draft.ModelSize;
import dev.fastdraft.pipeline.draft.ParameterCount;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/** {@code init-draft}: a randomly initialised draft model derived from a target's config.json. */
public final class InitDraftCommand implements Command {
    /** Hugging Face's initializer_range: weights from N(0, 0.02). */
    static final double INIT_STD = 0.02;

    @Override
    public String name() {
        return "init-draft";
    }

    @Override
    public String summary() {
        return "create a small random draft of the target's family, vocabulary and tokenizer";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--target", "DIR", "the target model directory (only config.json and the tokenizer files are read)"),
                Option.value("--layers", "L", "decoder layers (default: target layers / 8, rounded, between 2 and 4)"),
                Option.value("--hidden", "H", "hidden size (default: target hidden / 4 in multiples of 64, between 64 and 512)"),
                Option.value("--heads", "N", "attention heads (default: hidden / 64); head_dim = hidden / heads"),
                Option.value("--kv-heads", "N", "key/value heads (default: the target's query heads per key/value head, kept)"),
                Option.value("--intermediate", "N", "MLP width (default: the multiple of 64 nearest 2.75 x hidden)"),
                Option.flag("--untied", "give the draft its own lm_head instead of sharing the embedding matrix"),
                Option.value("--seed", "S", "seed of the random initialisation (default 1234)"),
                Option.value("--dtype", "D", "stored weight type: f32 | bf16 (default f32)"),
                Option.flag("--force", "overwrite a model already in --out"),
                Option.value("--out", "DIR", "where to write config.json, model.safetensors and the tokenizer files"));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        Path target = a.path("--target");
        Path out = a.path("--out");
        ModelConfig targetConfig = targetConfig(target);
        DType dtype = switch (a.string("--dtype", "f32").toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new UserError("--dtype must be f32 or bf16, got '" + a.string("--dtype") + "'");
        };
        DraftDesign.Request request = new DraftDesign.Request(opt(a, "--layers"), opt(a, "--hidden"), opt(a, "--heads"),
                opt(a, "--kv-heads"), opt(a, "--intermediate"), !a.flag("--untied"), dtype == DType.BF16 ? "bfloat16" : "float32");
        ModelConfig draft = DraftDesign.derive(targetConfig, request);
        ModelSize.check(draft, 1, "the draft", "choose a smaller --hidden, --intermediate or --layers");
        List<Path> old = checkOut(target, out, a.flag("--force"));
        boolean hasTokenizer = Files.isRegularFile(target.resolve(Tokenizer.TOKENIZER_JSON));
        if (hasTokenizer) checkTokenizer(target, draft);

        // built beside the old model's files and moved in only when complete: a failure leaves --out as it was
        OutputFolder folder = OutputFolder.create("--out", out);
        Path tmp = Files.createTempDirectory(out, ".init-draft-");
        LlamaModel model;
        try {
            model = LlamaLoader.initialize(draft, a.longValue("--seed", 1234), INIT_STD);
            LlamaLoader.save(model, tmp, dtype);
            if (hasTokenizer) ModelFiles.copyTokenizer(target, tmp);
            replace(out, tmp, old);
        } catch (Throwable t) {
            deleteTree(tmp);
            folder.removeIfEmpty();
            throw t;
        }
        if (!hasTokenizer) {
            console.err().println("note: " + target + " has no " + Tokenizer.TOKENIZER_JSON + "; copy the target's tokenizer files into " + out + " before using text");
        }
        report(console, draft, targetConfig, model.parameterCount(), out);
        return 0;
    }

    private static Integer opt(Args a, String name) {
        return a.has(name) ? a.integer(name) : null;
    }

    private static ModelConfig targetConfig(Path target) throws IOException {
        if (!Files.isDirectory(target)) throw new UserError("--target: no such directory: " + target);
        Path config = target.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new UserError("--target: " + target + " has no config.json; init-draft derives the draft from the target's Hugging Face config.json");
        }
        return ModelConfig.load(config);
    }

    /**
     * Refuses an --out that is the target, a file or (without --force) a directory holding a model; returns the
     * files of the model and tokenizer it replaces (shards, an index, a training checkpoint would mix with the new one).
     */
    private static List<Path> checkOut(Path target, Path out, boolean force) throws IOException {
        if (out.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            throw new UserError("--out is the target directory " + target + "; give the draft a directory of its own");
        }
        List<Path> model = new java.util.ArrayList<>(modelFiles(out));
        if (!model.isEmpty() && !force) {
            throw new UserError("--out " + out + " already holds a model (" + model.get(0).getFileName() + "); choose another directory or add --force to replace it");
        }
        if (force) for (String f : ModelFiles.TOKENIZER_FILES) if (Files.exists(out.resolve(f))) model.add(out.resolve(f));
        return model;
    }

    /** Moves the files built in {@code tmp} into {@code out}, removes the replaced model's other files, then {@code tmp}. */
    private static void replace(Path out, Path tmp, List<Path> old) throws IOException {
        List<Path> built;
        try (var files = Files.list(tmp)) {
            built = files.toList();
        }
        List<String> names = built.stream().map(f -> f.getFileName().toString()).toList();
        for (Path f : built) Files.move(f, out.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        for (Path p : old) if (!names.contains(p.getFileName().toString())) Files.deleteIfExists(p);
        Files.delete(tmp);
    }

    /** Best effort: the failure that led here is the one to report. */
    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover hidden .init-draft-* directory is harmless
        }
    }

    /** The files of an existing model in {@code dir}: config.json, safetensors, an index, a training checkpoint. */
    private static List<Path> modelFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> found = new java.util.ArrayList<>();
        if (Files.exists(dir.resolve("config.json"))) found.add(dir.resolve("config.json"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors*")) {
            for (Path p : ds) found.add(p);
        }
        Path checkpoint = TrainConfig.checkpointFile(dir);
        if (Files.exists(checkpoint) && !found.contains(checkpoint)) found.add(checkpoint);
        return found;
    }

    /** The target's tokenizer must fit its own vocabulary; otherwise the draft would inherit the mismatch. */
    private static void checkTokenizer(Path target, ModelConfig draft) throws IOException {
        Tokenizer tok = Tokenizer.load(target);
        if (tok.vocabSize() > draft.vocabSize()) {
            throw new UserError(target + ": the tokenizer has " + tok.vocabSize() + " ids but config.json's vocab_size is " + draft.vocabSize()
                    + "; the tokenizer files do not belong to this model");
        }
    }

    private static void report(Console console, ModelConfig d, ModelConfig t, long draftParams, Path out) {
        long targetParams = ParameterCount.total(t);
        console.out().printf(Locale.ROOT, "draft: %s, %d layers, hidden %d, %d heads (%d key/value), head_dim %d, intermediate %d, vocab %d, %s embeddings%n",
                d.architecture().hfClass(), d.numLayers(), d.hiddenSize(), d.numHeads(), d.numKvHeads(), d.headDim(), d.intermediateSize(),
                d.vocabSize(), d.tieWordEmbeddings() ? "tied" : "untied");
        console.out().printf(Locale.ROOT, "draft parameters:  %,d (embedding %,d)%n", draftParams, ParameterCount.embedding(d));
        console.out().printf(Locale.ROOT, "target parameters: %,d (%d layers, hidden %d, from config.json)%n", targetParams, t.numLayers(), t.hiddenSize());
        console.out().printf(Locale.ROOT, "target/draft ratio: %.1fx%n", (double) targetParams / draftParams);
        console.out().println("saved " + out);
    }
}
