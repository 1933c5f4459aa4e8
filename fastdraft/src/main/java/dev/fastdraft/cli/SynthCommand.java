package dev.fastdraft.cli;

import dev.fastdraft.models.chat.ChatTemplate;
import dev.fastdraft.models.chat.PromptFormat;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.PromptFile;
import dev.fastdraft.pipeline.synth.SamplePlan;
import dev.fastdraft.pipeline.synth.Synth;
import dev.fastdraft.pipeline.synth.SynthSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code synth}: the target answers prompts at several temperatures, batched and resumable, into JSON Lines. */
public final class SynthCommand implements Command {
    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String summary() {
        return "make synthetic data: the target completes prompts (batched, several temperatures, resumable) into JSON Lines";
    }

    @Override
    public List<Option> options() {
        return CliSupport.options(List.of(
                Option.value("--target", "DIR", "target model directory (with its tokenizer files)"),
                Option.value("--prompts", "FILE", "JSON Lines with a \"prompt\" field (see --prompt-field), or plain text, one prompt per line"),
                Option.value("--prompt-field", "NAME", "JSON field holding the prompt (default prompt)"),
                Option.flag("--skip-bad-lines", "skip malformed JSON lines of --prompts instead of stopping at the first")), CliSupport.CHAT, List.of(
                Option.value("--out", "FILE", "output JSON Lines; an existing file is resumed (done samples are skipped)"),
                Option.value("--temperatures", "T,..", "sampling temperatures, 0 = greedy (default 0,0.6,0.8,1.0)"),
                Option.value("--samples-per-prompt", "N", "samples per prompt; temperatures are used in order, then the non-zero ones cycle; "
                        + "greedy at most once (default: one per temperature)"),
                Option.value("--max-new-tokens", "N", "tokens per completion at most (default 256)"),
                Option.value("--batch", "B", "sequences decoded at once, sharing each read of the weights (default 8)"),
                Option.value("--top-p", "P", "nucleus filter of the sampled (non-greedy) samples (default 1: off)"),
                Option.value("--seed", "S", "base seed; each (prompt, sample) derives its own (default 1234)"),
                Option.value("--store-topk", "K", "also store the target's top-K token probabilities per completion token (for distill --loss kl|tv)"),
                Option.value("--limit", "N", "write at most N new records in this run (the rest in a later run)"),
                CliSupport.DEVICE,
                Option.value("--threads", "T", "worker threads (default: physical cores)")));
    }

    @Override
    public int run(Args a, Console console) throws Exception {
        CliSupport.threads(a);
        Path targetDir = a.path("--target");
        Path out = a.path("--out");
        double[] temps = temperatures(a.string("--temperatures", "0,0.6,0.8,1.0"));
        int samples = a.integer("--samples-per-prompt", SamplePlan.defaultSamples(temps));
        SamplePlan plan = SamplePlan.of(temps, samples, a.longValue("--seed", 1234));
        if (plan.samplesPerPrompt() < samples) {
            console.err().println("note: only greedy decoding was asked for, which is deterministic: one sample per prompt");
        }
        SynthSettings settings = new SynthSettings(plan, a.integer("--max-new-tokens", 256), a.integer("--batch", 8), a.number("--top-p", 1.0),
                a.integer("--store-topk", 0), a.longValue("--limit", Long.MAX_VALUE));
        List<String> prompts = PromptFile.read(a.path("--prompts"), a.string("--prompt-field", "prompt"), a.flag("--skip-bad-lines"));
        if (!Files.isRegularFile(targetDir.resolve(Tokenizer.TOKENIZER_JSON))) {
            throw new UserError(targetDir + " has no tokenizer.json; synth encodes text prompts and decodes completions with the target's tokenizer");
        }
        Tokenizer tok = Tokenizer.load(targetDir);
        PromptFormat format = CliSupport.promptFormat(a, targetDir, tok);
        if (!format.isChat() && ChatTemplate.present(targetDir)) {
            console.err().println("note: " + targetDir + " has a chat template; prompts go in as plain text. An instruct target answers as it was "
                    + "trained to when each prompt is a user turn: add --chat");
        }
        try (var device = CliSupport.device(a, console); LlamaLoader.Loaded target = LlamaLoader.open(targetDir)) {
            target.model().useDevice(device);
            console.err().printf(Locale.ROOT, "synth: %d prompts x %d samples (temperatures %s), batch %d, up to %d new tokens each%n",
                    prompts.size(), plan.samplesPerPrompt(), java.util.Arrays.toString(plan.temperatures()), settings.batch(), settings.maxNewTokens());
            Synth.Summary r = Synth.run(target.model(), format, CliSupport.eosIds(target.model(), tok), prompts, settings, out, console.err());
            console.out().printf(Locale.ROOT, "synth %s: %d records written (%d were there), %d still to do, %,d tokens at %.1f tok/s%n",
                    out, r.written(), r.existing(), r.remaining(), r.tokens(), r.tokensPerSecond());
        }
        return 0;
    }

    static double[] temperatures(String list) {
        String[] parts = list.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError("--temperatures must be comma-separated numbers, got '" + parts[i].trim() + "' at position " + (i + 1));
            }
        }
        return out;
    }
}
