package dev.fastdraft.pipeline.demo;

import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.FastDraft;
import dev.fastdraft.pipeline.distill.Distill;
import dev.fastdraft.pipeline.distill.DistillData;
import dev.fastdraft.pipeline.distill.DistillLoss;
import dev.fastdraft.pipeline.draft.DraftDesign;
import dev.fastdraft.pipeline.draft.ParameterCount;
import dev.fastdraft.pipeline.eval.SpeculativeEval;
import dev.fastdraft.pipeline.prepare.PrepareOptions;
import dev.fastdraft.pipeline.prepare.PromptCutter;
import dev.fastdraft.pipeline.synth.SamplePlan;
import dev.fastdraft.pipeline.synth.SynthSettings;
import dev.fastdraft.pipeline.train.Pretrain;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole FastDraft pipeline on the embedded target, stage by stage: extract the target, derive a draft,
 * pre-train it on the JDK's source, let the target write completions, distill, and measure speculative
 * decoding with the pre-trained and with the distilled draft. Each finished stage leaves a marker in the output
 * directory, so a re-run (after Ctrl-C, say) continues where the last one stopped; training stages resume from
 * their checkpoints.
 */
public final class Demo {
    /**
     * @param corpus     the pre-training corpus; null: the running JDK's lib/src.zip, or the target's own text without one
     * @param targetText pre-train on the target's own text even where src.zip exists
     */
    public record Options(Path out, DemoPlan plan, Path corpus, boolean targetText, long seed) {}

    /** What the evaluation measured: the pre-trained-only and the distilled draft against the same prompts. */
    public record Result(SpeculativeEval.Report pretrained, SpeculativeEval.Report distilled, List<String> evalPrompts) {}

    private final Options o;
    private final PrintStream out;
    private final PrintStream log;
    private final Path dir;

    public Demo(Options options, PrintStream out, PrintStream log) {
        this.o = options;
        this.out = out;
        this.log = log;
        this.dir = options.out();
    }

    Path target() {
        return dir.resolve("target");
    }

    public Result run() throws Exception {
        DemoPlan p = o.plan();
        long t0 = System.nanoTime();
        Files.createDirectories(dir);
        checkPlan();

        section(1, "the target model");
        EmbeddedTarget.extract(target());
        ModelConfig tc = ModelConfig.load(target().resolve("config.json"));
        Tokenizer tok = Tokenizer.load(target());
        long targetParams = ParameterCount.total(tc);
        out.printf(Locale.ROOT, "A %s with %,d parameters (%d layers, hidden %d, vocabulary %d), trained by this engine on the JDK's own%n"
                + "source code: %s (its recipe: %s).%n", tc.architecture().hfClass(), targetParams, tc.numLayers(), tc.hiddenSize(), tc.vocabSize(),
                target(), target().resolve("RECIPE.md"));

        section(2, "derive a draft from the target (init-draft)");
        Path draftInit = dir.resolve("draft-init");
        if (!done("draft-init")) {
            FastDraft.initDraft(target(), new DraftDesign.Request(p.draftLayers(), p.draftHidden(), null, null, null, true, null), draftInit, o.seed());
            mark("draft-init");
        }
        long draftParams = ParameterCount.total(ModelConfig.load(draftInit.resolve("config.json")));
        out.printf(Locale.ROOT, "Same family and tokenizer, %d layer%s, hidden %d: %,d parameters, %.1fx smaller than the target.%n",
                p.draftLayers(), p.draftLayers() == 1 ? "" : "s", p.draftHidden(), draftParams, (double) targetParams / draftParams);

        section(3, "pre-train the draft on code (prepare + pretrain)");
        Path train = dir.resolve("data/train.bin"), val = dir.resolve("data/val.bin");
        if (!done("corpus")) {
            corpus(train, val);
            mark("corpus");
        }
        Path pretrained = dir.resolve("draft-pretrained");
        if (!done("pretrain")) {
            TrainConfig cfg = Pretrain.config(p.pretrainTokens(), 256, 8, 3e-3);
            FastDraft.pretrain(draftInit, train, val, cfg, pretrained, true, log);
            mark("pretrain");
        }
        int eos = tok.eosIds()[0];
        List<String> evalPrompts = prompts("eval-prompts.jsonl", val, tok, eos, p.evalPrompts(), o.seed() + 1);
        List<String> synthPrompts = prompts("synth-prompts.jsonl", train, tok, eos, p.synthPrompts(), o.seed() + 2);

        section(4, "the target writes completions (synth)");
        Path synth = dir.resolve("synth.jsonl");
        if (!done("synth")) {
            SynthSettings s = new SynthSettings(SamplePlan.of(new double[] {0}, 1, o.seed()), p.synthNewTokens(), 8, 1.0, 0, Long.MAX_VALUE);
            FastDraft.synth(target(), synthPrompts, s, synth, log);
            mark("synth");
        }
        out.printf(Locale.ROOT, "%d greedy completions of up to %d tokens in %s.%n", synthPrompts.size(), p.synthNewTokens(), synth);

        section(5, "distill: fine-tune the draft on the target's completions");
        Path distilled = dir.resolve("draft-distilled");
        if (!done("distill")) {
            ModelConfig dc = ModelConfig.load(pretrained.resolve("config.json"));
            DistillData data = DistillData.read(synth, dc.vocabSize(), false, 0.05, o.seed(), false, log);
            int seqLen = Math.max(1, Math.min(Math.min(256, dc.maxPositionEmbeddings()), data.longest() - 1));
            TrainConfig cfg = Distill.config(Distill.steps(data, p.distillEpochs(), 8), seqLen, 8, 1e-3);
            Distill.Result r = FastDraft.distill(pretrained, data, cfg, new Distill.Settings(DistillLoss.Kind.CE, 1f), distilled, true, log);
            if (r.valLossBefore().isPresent() && r.valLossAfter().isPresent()) {
                out.printf(Locale.ROOT, "Loss on held-out completions of the target: %.3f before distillation, %.3f after.%n",
                        r.valLossBefore().getAsDouble(), r.valLossAfter().getAsDouble());
            }
            mark("distill");
        }

        section(6, "speculative decoding against the target alone, on held-out prompts");
        int[] ks = {p.draftTokens()};
        SamplingConfig greedy = SamplingConfig.greedy();
        out.println("with the pre-trained draft ...");
        SpeculativeEval.Report before = FastDraft.evaluate(target(), pretrained, evalPrompts, ks, p.evalNewTokens(), greedy);
        out.println("with the distilled draft ...");
        SpeculativeEval.Report after = FastDraft.evaluate(target(), distilled, evalPrompts, ks, p.evalNewTokens(), greedy);
        Result result = new Result(before, after, evalPrompts);
        String report = DemoReport.table(result, p) + "\n" + DemoReport.sample(result, tok);
        out.println();
        out.print(report);
        AtomicFile.write(dir.resolve("report.txt"), report.getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(dir.resolve("report.json"), Json.write(DemoReport.json(result, p)).getBytes(StandardCharsets.UTF_8));
        out.printf(Locale.ROOT, "%nThe demo took %.1f minutes; everything it made is in %s.%n", (System.nanoTime() - t0) / 60e9, dir);
        out.print(DemoReport.nextSteps());
        return result;
    }

    private void corpus(Path train, Path val) throws Exception {
        Path src = o.corpus() != null ? o.corpus() : Path.of(System.getProperty("java.home"), "lib", "src.zip");
        List<String> include = List.of();
        double valFraction = 0.01;
        if (o.corpus() != null && !Files.exists(src)) throw new IllegalArgumentException("--corpus: no such file or directory: " + src);
        if (Files.exists(src) && !o.targetText()) {
            if (src.getFileName().toString().equals("src.zip")) include = List.of("*.java");
            out.printf(Locale.ROOT, "Corpus: %s%s, read in place.%n", src, include.isEmpty() ? "" : " (the JDK's own Java source)");
        } else {
            out.println(o.targetText() ? "Corpus: text the target writes itself from a few Java openings, sampled at temperature 1."
                    : "This JDK has no lib/src.zip (the JDK's source, the usual corpus), so the draft pre-trains on text the target\n"
                    + "writes itself from a few Java openings, sampled at temperature 1 (this takes a few minutes more).");
            src = OwnText.write(target(), ownText(), Math.max(o.plan().pretrainTokens() / 16, 2048), o.seed(), log);
            valFraction = 0.25; // short documents: hold out enough of them for the prompts
        }
        Files.createDirectories(train.getParent());
        // The target's recipe held out 1% of src.zip's files with the same split: prompts cut from val.bin are new to
        // both models. 8M tokens give enough held-out files for the prompts and take seconds to tokenize.
        PrepareOptions po = new PrepareOptions(List.of(src), train, val, valFraction, PrepareOptions.DEFAULT_TEXT_FIELD,
                Math.max(8_000_000, 2 * o.plan().pretrainTokens()), include, true, false, null, PrepareOptions.DEFAULT_PIECE_CHARS);
        FastDraft.prepare(target(), po, log);
    }

    private List<String> prompts(String name, Path tokens, Tokenizer tok, int eos, int count, long seed) throws IOException {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            List<String> existing = FastDraft.readPrompts(file);
            if (existing.size() == count) return existing;
        }
        // source files open with a licence and imports: prompts come from their last two thirds; the target's own
        // text is short and has none
        boolean skipHead = !Files.isRegularFile(ownText());
        List<String> prompts = PromptCutter.cut(tokens, tok, eos, count, o.plan().promptTokens(), o.plan().evalNewTokens(), skipHead, seed);
        PromptCutter.write(file, prompts);
        return prompts;
    }

    private Path ownText() {
        return dir.resolve("data/own-text.jsonl");
    }

    /**
     * A directory made by another plan (quick vs full), seed or corpus is refused rather than mixed with this run or
     * wiped unasked: --fresh (which resets it before this runs) says to start over there.
     */
    private void checkPlan() throws IOException {
        Path file = dir.resolve(SETTINGS);
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("plan", o.plan().toString());
        want.put("seed", o.seed());
        want.put("corpus", String.valueOf(o.corpus()));
        want.put("target_text", o.targetText());
        String json = Json.write(want);
        if (Files.isRegularFile(file) && !Files.readString(file).equals(json)) {
            throw new IllegalArgumentException("--out " + dir + " holds a demo run with other settings" + differences(Files.readString(file), want)
                    + "; pass --fresh to start over there (its files are deleted), or choose another --out");
        }
        AtomicFile.write(file, json.getBytes(StandardCharsets.UTF_8));
    }

    /** " (seed 1 there, 2 now)" for the settings that differ; "" where the old file cannot be read. */
    private static String differences(String oldJson, Map<String, Object> want) {
        Map<String, Object> had;
        try {
            had = Json.parseObject(oldJson);
        } catch (IllegalArgumentException e) {
            return "";
        }
        List<String> diffs = new java.util.ArrayList<>();
        want.forEach((k, v) -> {
            if (!String.valueOf(v).equals(String.valueOf(had.get(k)))) diffs.add(k + " " + shown(had.get(k)) + " there, " + shown(v) + " now");
        });
        return diffs.isEmpty() ? "" : " (" + String.join("; ", diffs) + ")";
    }

    /** A plan is stored as its whole record; its name (quick, full) says enough. */
    private static String shown(Object setting) {
        String s = String.valueOf(setting);
        return s.startsWith("DemoPlan[name=") ? s.substring("DemoPlan[name=".length(), s.indexOf(',') < 0 ? s.length() : s.indexOf(',')) : s;
    }

    private static final String SETTINGS = "demo.json";
    private static final List<String> STAGES = List.of("draft-init", "corpus", "pretrain", "synth", "distill");
    /** Everything a run makes besides the target and its settings file. */
    private static final List<String> OUTPUTS = List.of("draft-init", "data", "draft-pretrained", "synth.jsonl", "synth-prompts.jsonl",
            "eval-prompts.jsonl", "draft-distilled", "report.txt", "report.json");

    /** Whether {@code dir} holds a demo run (its settings file). */
    public static boolean isDemoDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve(SETTINGS));
    }

    /** Deletes what a run made in {@code dir} (and nothing else), keeping the extracted target. */
    public static void reset(Path dir) throws IOException {
        for (String stage : STAGES) Files.deleteIfExists(dir.resolve(".done-" + stage));
        for (String name : OUTPUTS) deleteTree(dir.resolve(name));
        Files.deleteIfExists(dir.resolve(SETTINGS));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.list(p)) {
                for (Path c : s.toList()) deleteTree(c);
            }
        }
        Files.delete(p);
    }

    private Path marker(String stage) {
        return dir.resolve(".done-" + stage);
    }

    private boolean done(String stage) {
        boolean d = Files.isRegularFile(marker(stage));
        if (d) out.println("(reusing " + stage + " from the last run in " + dir + ")");
        return d;
    }

    private void mark(String stage) throws IOException {
        AtomicFile.write(marker(stage), new byte[0]);
    }

    private void section(int n, String title) {
        out.printf(Locale.ROOT, "%n== %d/6  %s%n", n, title);
    }

    static List<String> stages() {
        return STAGES;
    }
}
