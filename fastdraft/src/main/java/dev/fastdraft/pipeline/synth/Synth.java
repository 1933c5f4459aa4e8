package dev.fastdraft.pipeline.synth;

import dev.fastdraft.models.chat.PromptFormat;
import dev.fastdraft.models.generate.SamplingConfig;
import dev.fastdraft.models.llama.LlamaModel;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Synthetic data (issue item 4): the target answers every prompt several times, at the plan's temperatures,
 * decoding {@code batch} sequences at once; each finished sample is appended to a JSON Lines file at once, so
 * an interrupted run loses at most the samples in flight, and a rerun with the same output skips what is done.
 */
public final class Synth {
    private Synth() {}

    /** What a run did: records found in the file, written now, still missing (after --limit), tokens generated. */
    public record Summary(Path out, int existing, int written, int remaining, long cutBytes, long tokens, long nanos) {
        public double tokensPerSecond() {
            return nanos == 0 ? 0 : tokens / (nanos / 1e9);
        }
    }

    private record Job(int prompt, int sample) {}

    /**
     * Runs the target over {@code prompts} as plain text (special tokens such as BOS added as the tokenizer's
     * post-processor says; no chat template).
     */
    public static Summary run(LlamaModel target, Tokenizer tok, int[] eos, List<String> prompts, SynthSettings s, Path out, PrintStream log)
            throws IOException {
        return run(target, PromptFormat.plain(tok), eos, prompts, s, out, log);
    }

    /**
     * Runs the target over {@code prompts}, encoded as {@code format} says (plain text, or the user turn of a chat
     * template, so that an instruct target answers as it was trained to); {@code eos} are the ids that end a
     * completion (kept as its last id).
     */
    public static Summary run(LlamaModel target, PromptFormat format, int[] eos, List<String> prompts, SynthSettings s, Path out, PrintStream log)
            throws IOException {
        Tokenizer tok = format.tokenizer();
        if (prompts.isEmpty()) throw new IllegalArgumentException("synth: no prompts");
        int vocab = target.vocabSize(), context = target.maxPositions();
        if (s.storeTopK() > vocab) throw new IllegalArgumentException("--store-topk " + s.storeTopK() + " exceeds the vocabulary of " + vocab);
        List<int[]> encoded = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            int[] ids = format.encode(prompts.get(i));
            if (ids.length == 0) throw new IllegalArgumentException("prompt " + (i + 1) + " encodes to no tokens; remove it or give it text");
            for (int id : ids) {
                if (id >= vocab) throw new IllegalArgumentException("the tokenizer gives id " + id + " for prompt " + (i + 1) + " but the target's vocabulary has "
                        + vocab + " tokens; the tokenizer does not belong to this target");
            }
            if (ids.length >= context) {
                throw new IllegalArgumentException("prompt " + (i + 1) + " has " + ids.length + " tokens, leaving no room in the target's context of " + context + "; shorten it");
            }
            encoded.add(ids);
        }
        SamplePlan plan = s.plan();
        try (SynthOutput output = SynthOutput.open(out, (rec, line) -> check(rec, line, out, prompts, encoded, s))) {
            if (output.cutBytes() > 0) log.println("synth: cut off a partial last line (" + output.cutBytes() + " bytes) left by an interrupted run");
            List<BatchDecoder.Request> todo = new ArrayList<>();
            int missing = 0;
            for (int p = 0; p < prompts.size(); p++) {
                int maxNew = Math.min(s.maxNewTokens(), context - encoded.get(p).length);
                for (int k = 0; k < plan.samplesPerPrompt(); k++) {
                    if (output.isDone(p, k)) continue;
                    missing++;
                    if (todo.size() >= s.limit()) continue;
                    double t = plan.temperature(k);
                    SamplingConfig sc = new SamplingConfig(t, 0, t == 0 ? 1 : s.topP(), 0, plan.seed(p, k));
                    todo.add(new BatchDecoder.Request(encoded.get(p), maxNew, sc, s.storeTopK(), new Job(p, k)));
                }
            }
            if (output.existing() > 0) log.println("synth: " + output.existing() + " records already in " + out + "; " + missing + " to go");
            Progress progress = new Progress(log, "synth", "samples", todo.size(), 0);
            long t0 = System.nanoTime();
            long[] tokens = {0};
            int[] written = {0};
            BatchDecoder decoder = new BatchDecoder(target, s.batch(), id -> {
                for (int e : eos) if (e == id) return true;
                return false;
            });
            try {
                decoder.run(todo.iterator(), c -> {
                    Job job = (Job) c.request().tag();
                    SamplingConfig sc = c.request().sampling();
                    SynthRecord rec = new SynthRecord(job.prompt(), job.sample(), sc.temperature(), sc.topP(), sc.seed(), c.finishReason(),
                            prompts.get(job.prompt()), tok.decode(c.ids(), true), c.request().prompt(), c.ids(), c.request().topK(), c.topIds(), c.topProbs());
                    try {
                        output.append(rec);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    tokens[0] += c.ids().length;
                    written[0]++;
                    double secs = (System.nanoTime() - t0) / 1e9;
                    progress.update(written[0], String.format(Locale.ROOT, "%,d tokens, %.1f tok/s", tokens[0], tokens[0] / secs), written[0] == todo.size());
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            progress.finish(written[0], null);
            return new Summary(out, output.existing(), written[0], missing - written[0], output.cutBytes(), tokens[0], System.nanoTime() - t0);
        }
    }

    /** An existing record must come from the same prompts and plan, or the resumed file would mix two runs. */
    private static void check(SynthRecord rec, int line, Path out, List<String> prompts, List<int[]> encoded, SynthSettings s) {
        String where = out + ":" + line + ": ";
        String hint = "; resume with the original prompts and settings, or write to another --out";
        if (rec.promptIndex() >= prompts.size()) {
            throw new IllegalArgumentException(where + "prompt_index " + rec.promptIndex() + " but the prompt file has " + prompts.size() + " prompts" + hint);
        }
        if (!prompts.get(rec.promptIndex()).equals(rec.prompt())) {
            throw new IllegalArgumentException(where + "its prompt differs from prompt " + (rec.promptIndex() + 1) + " of the prompt file" + hint);
        }
        if (!java.util.Arrays.equals(encoded.get(rec.promptIndex()), rec.promptIds())) {
            throw new IllegalArgumentException(where + "its prompt_ids differ from this run's encoding of prompt " + (rec.promptIndex() + 1)
                    + " (another tokenizer, or --chat / --system / --chat-template changed)" + hint);
        }
        SamplePlan plan = s.plan();
        if (rec.sampleIndex() < plan.samplesPerPrompt() && rec.temperature() != plan.temperature(rec.sampleIndex())) {
            throw new IllegalArgumentException(where + "sample " + rec.sampleIndex() + " was drawn at temperature " + rec.temperature()
                    + ", this run's plan has " + plan.temperature(rec.sampleIndex()) + hint);
        }
        if (rec.topk() != s.storeTopK() && !(rec.topk() == 0 && rec.completionIds().length == 0)) {
            throw new IllegalArgumentException(where + "it stores top-" + rec.topk() + " probabilities, this run --store-topk " + s.storeTopK() + hint);
        }
    }
}
