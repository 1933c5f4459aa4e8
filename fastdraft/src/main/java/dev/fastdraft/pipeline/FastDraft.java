package dev.fastdraft.pipeline;

import dev.fastdraft.engine.DType;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.distill.Distill;
import dev.fastdraft.pipeline.distill.DistillData;
import dev.fastdraft.pipeline.distill.DistillLoss;
import dev.fastdraft.pipeline.draft.DraftDesign;
import dev.fastdraft.pipeline.eval.SpeculativeEval;
import dev.fastdraft.pipeline.prepare.CorpusPreparer;
import dev.fastdraft.pipeline.prepare.PrepareOptions;
import dev.fastdraft.pipeline.prepare.PrepareReport;
import dev.fastdraft.pipeline.synth.Synth;
import dev.fastdraft.pipeline.synth.SynthSettings;
import dev.fastdraft.pipeline.train.Pretrain;
import dev.fastdraft.pipeline.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The FastDraft pipeline as a Java API, the same steps as the jar's commands, without the CLI:
 * <ol>
 *   <li>{@link #initDraft}: a draft of the target's family with its tokenizer ({@code init-draft});</li>
 *   <li>{@link #prepare}: corpus files to a uint32 token file ({@code prepare});</li>
 *   <li>{@link #pretrain}: train the draft on a token file;</li>
 *   <li>{@link #synth}: the target answers prompts into JSON Lines;</li>
 *   <li>{@link #distill}: fine-tune the draft on those answers;</li>
 *   <li>{@link #speculator}: a {@link SpeculativeDecoder} over a target and its draft, to hold in a service;</li>
 *   <li>{@link #evaluate}: acceptance rate, block efficiency and speed-up on prompts;</li>
 *   <li>{@link #checkExport}: is a draft directory a complete Hugging Face checkpoint.</li>
 * </ol>
 * Progress goes to the given stream ({@code null}: discarded). Nothing here calls System.exit or keeps state
 * between calls; bad input throws IllegalArgumentException with a one-line message.
 */
public final class FastDraft {
    private FastDraft() {}

    private static PrintStream log(PrintStream log) {
        return log != null ? log : new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    /**
     * Derives a draft config from the target's (defaults of {@link DraftDesign} for null request fields), initialises
     * it randomly (N(0, 0.02), Hugging Face's initializer_range) and saves it with the target's tokenizer files.
     */
    public static ModelConfig initDraft(Path target, DraftDesign.Request request, Path out, long seed) throws IOException {
        if (target.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("initDraft: out is the target directory " + target + "; give the draft a directory of its own");
        }
        ModelConfig draft = DraftDesign.derive(ModelConfig.load(target.resolve("config.json")), request);
        DType dtype = "bfloat16".equals(draft.torchDtype()) ? DType.BF16 : DType.F32;
        boolean tokenizer = Files.isRegularFile(target.resolve(Tokenizer.TOKENIZER_JSON));
        HfExport.save(LlamaLoader.initialize(draft, seed, 0.02), out, dtype, tokenizer ? target : null);
        return draft;
    }

    /** Tokenizes a corpus with the tokenizer of {@code tokenizerDir} into the token files {@code options} names. */
    public static PrepareReport prepare(Path tokenizerDir, PrepareOptions options, PrintStream log) throws IOException {
        return new CorpusPreparer(Tokenizer.load(tokenizerDir), options, WorkerPool.common(), log).run();
    }

    /** Pre-trains {@code draft} on {@code tokens} tokens of {@code data} with the pretrain command's defaults, in place. */
    public static Pretrain.Result pretrain(Path draft, Path data, Path valData, long tokens, int seqLen, int batch, double lr, PrintStream log) throws IOException {
        return pretrain(draft, data, valData, Pretrain.config(tokens, seqLen, batch, lr), null, false, log);
    }

    /** Pre-training with any {@link TrainConfig}; {@code out} null trains in place; saves in the draft's stored dtype. */
    public static Pretrain.Result pretrain(Path draft, Path data, Path valData, TrainConfig config, Path out, boolean resume, PrintStream log) throws IOException {
        return Pretrain.run(draft, data, valData, config, out, resume, HfExport.storedDtype(draft), log(log));
    }

    /**
     * Makes synthetic data: the target in {@code target} (with its tokenizer) completes every prompt; resumes
     * an existing {@code out}. End-of-sequence ids are the config's and the tokenizer's.
     */
    public static Synth.Summary synth(Path target, List<String> prompts, SynthSettings settings, Path out, PrintStream log) throws IOException {
        if (!Files.isRegularFile(target.resolve(Tokenizer.TOKENIZER_JSON))) {
            throw new IllegalArgumentException(target + " has no tokenizer.json; synth needs the target's tokenizer");
        }
        Tokenizer tok = Tokenizer.load(target);
        try (LlamaLoader.Loaded t = LlamaLoader.open(target)) {
            return Synth.run(t.model(), tok, eosIds(t.model(), tok), prompts, settings, out, log(log));
        }
    }

    /** Prompts from a file: JSON Lines with a {@code prompt} field, or plain lines ({@link PromptFile}). */
    public static List<String> readPrompts(Path file) throws IOException {
        return PromptFile.read(file, "prompt", false);
    }

    /**
     * Distills with the distill command's defaults (saved in the draft's stored dtype): {@code epochs} over the data, seq-len min(512, context,
     * longest example), batch 8, lr 3e-4, 5% of the prompts for validation.
     */
    public static Distill.Result distill(Path draft, Path data, Path out, DistillLoss.Kind loss, double epochs, PrintStream log) throws IOException {
        PrintStream l = log(log);
        ModelConfig mc = ModelConfig.load(draft.resolve("config.json"));
        DistillData d = DistillData.read(data, mc.vocabSize(), loss != DistillLoss.Kind.CE, 0.05, 1234, false, l);
        int seqLen = Math.max(1, Math.min(Math.min(512, mc.maxPositionEmbeddings()), d.longest() - 1));
        TrainConfig cfg = Distill.config(Distill.steps(d, epochs, 8), seqLen, 8, 3e-4);
        return Distill.run(draft, d, cfg, new Distill.Settings(loss, 1f), out, false, HfExport.storedDtype(draft), l);
    }

    /** Distillation with every setting given; saves in the draft's stored dtype. */
    public static Distill.Result distill(Path draft, DistillData data, TrainConfig config, Distill.Settings settings, Path out, boolean resume,
                                         PrintStream log) throws IOException {
        return Distill.run(draft, data, config, settings, out, resume, HfExport.storedDtype(draft), log(log));
    }

    /**
     * A target and its draft, loaded and checked to share a vocabulary and tokenizer, with one
     * {@link SpeculativeDecoder} over them. The decoder may serve concurrent calls from several threads (see its
     * javadoc); close this to unmap the weights once no call is running.
     */
    public record Speculator(SpeculativeDecoder decoder, LlamaModel target, LlamaModel draft, Tokenizer tokenizer, int[] eosIds,
                             List<AutoCloseable> resources) implements AutoCloseable {
        /** Greedy or sampled generation of up to {@code maxNewTokens} after {@code prompt}; stops at EOS. */
        public dev.fastdraft.models.generate.SpeculativeResult generate(int[] prompt, int maxNewTokens, int draftTokens, SamplingConfig sampling) {
            return generate(prompt, maxNewTokens, SpeculativeDecoder.DraftLength.fixed(draftTokens), sampling);
        }

        /** The same with the draft length in full: adaptive, or ending rounds at a confidence threshold. */
        public dev.fastdraft.models.generate.SpeculativeResult generate(int[] prompt, int maxNewTokens, SpeculativeDecoder.DraftLength len,
                                                                        SamplingConfig sampling) {
            Set<Integer> eos = new TreeSet<>();
            for (int e : eosIds) eos.add(e);
            return decoder.generate(prompt, maxNewTokens, len, sampling, eos::contains, null);
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : resources) c.close();
        }
    }

    public static Speculator speculator(Path target, Path draft) throws IOException {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            LlamaLoader.Loaded t = LlamaLoader.open(target);
            resources.add(t);
            LlamaLoader.Loaded d = LlamaLoader.open(draft);
            resources.add(d);
            DraftCompatibility.check(target, t.model().vocabSize(), draft, d.model().vocabSize());
            Tokenizer tok = Files.isRegularFile(target.resolve(Tokenizer.TOKENIZER_JSON)) ? Tokenizer.load(target) : null;
            return new Speculator(new SpeculativeDecoder(t.model(), d.model()), t.model(), d.model(), tok, eosIds(t.model(), tok), List.copyOf(resources));
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : resources) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Runs the prompts with the target alone and with the draft at each k; see {@link SpeculativeEval}. */
    public static SpeculativeEval.Report evaluate(Path target, Path draft, List<String> prompts, int[] ks, int maxNewTokens, SamplingConfig sampling)
            throws Exception {
        try (Speculator s = speculator(target, draft)) {
            if (s.tokenizer() == null) throw new IllegalArgumentException(target + " has no tokenizer.json to encode the prompts");
            List<int[]> ids = new ArrayList<>();
            for (String p : prompts) ids.add(s.tokenizer().encode(p));
            Set<Integer> eos = new TreeSet<>();
            for (int e : s.eosIds()) eos.add(e);
            return SpeculativeEval.run(s.target(), s.draft(), ids, ks, maxNewTokens, sampling, eos::contains, null);
        }
    }

    /** Checks a draft directory for what Hugging Face transformers needs (issue item 8). */
    public static HfExport.Report checkExport(Path dir) {
        return HfExport.check(dir);
    }

    /** End-of-sequence ids: the model config's, plus the tokenizer's (null: none). */
    public static int[] eosIds(LlamaModel model, Tokenizer tok) {
        Set<Integer> s = new TreeSet<>();
        for (int e : model.config().eosTokenIds()) s.add(e);
        if (tok != null) for (int e : tok.eosIds()) s.add(e);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}
