package dev.fastdraft.cli;

import dev.fastdraft.engine.device.ComputeDevice;
import dev.fastdraft.engine.device.CpuDevice;
import dev.fastdraft.engine.device.CpuKernels;
import dev.fastdraft.engine.device.DeviceException;
import dev.fastdraft.engine.device.DeviceSelection;
import dev.fastdraft.engine.device.Devices;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.models.chat.ChatTemplate;
import dev.fastdraft.models.chat.PromptFormat;
import dev.fastdraft.models.generate.SpeculativeDecoder;
import dev.fastdraft.models.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;

/** Small helpers shared by commands (and the bench sub-commands). */
public final class CliSupport {
    private CliSupport() {}

    /** Applies --threads before the shared worker pool is first used. */
    public static void threads(Args a) {
        if (a.has("--threads")) System.setProperty("fastdraft.threads", Integer.toString(threadCount(a, 1)));
    }

    /** --threads, checked: more threads than 4 per processor only add switching (and 10000 would start 10000 threads). */
    public static int threadCount(Args a, int fallback) {
        if (!a.has("--threads")) return fallback;
        int t = a.integer("--threads");
        int max = maxThreads();
        if (t < 1 || t > max) {
            throw new UserError("--threads must be between 1 and " + max + " (4 per available processor), got " + t);
        }
        return t;
    }

    static int maxThreads() {
        return Math.min(1024, 4 * Runtime.getRuntime().availableProcessors());
    }

    static void checkIds(int[] ids, int vocab, String option) {
        if (ids.length == 0) throw new UserError(option + " is empty; give at least one token id");
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) throw new UserError(option + ": id " + ids[i] + " at position " + (i + 1) + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    /** The options {@link #sampling} reads. */
    static final List<Option> SAMPLING = List.of(
            Option.value("--temperature", "T", "0 = greedy (default 0)"),
            Option.value("--top-k", "K", "keep the K most likely tokens (default 0: off)"),
            Option.value("--top-p", "P", "nucleus sampling mass (default 1: off)"),
            Option.value("--min-p", "P", "drop tokens below P times the top probability (default 0: off)"),
            Option.value("--seed", "S", "sampling seed (default 0)"));

    static dev.fastdraft.models.generate.SamplingConfig sampling(Args a) {
        return new dev.fastdraft.models.generate.SamplingConfig(a.number("--temperature", 0), a.has("--top-k") ? a.integer("--top-k") : 0,
                a.number("--top-p", 1.0), a.has("--min-p") ? a.number("--min-p") : 0, a.longValue("--seed", 0));
    }

    static final List<Option> CHAT = List.of(
            Option.flag("--chat", "wrap each prompt as a user turn of the model's chat template (chat_template.jinja, or tokenizer_config.json's)"),
            Option.value("--system", "TEXT", "with --chat: a system message before the user turn"),
            Option.value("--chat-template", "FILE", "a Jinja chat template to use instead of the model's (implies --chat)"));

    /** Plain text, or with --chat / --chat-template the user turn of a chat template from {@code modelDir}. */
    static PromptFormat promptFormat(Args a, Path modelDir, Tokenizer tok) throws java.io.IOException {
        boolean chat = a.flag("--chat") || a.has("--chat-template");
        if (!chat) {
            if (a.has("--system")) throw new UserError("--system is a chat message; add --chat (the model's chat template) or --chat-template FILE");
            return PromptFormat.plain(tok);
        }
        return chatFormat(a, modelDir, tok);
    }

    /** The chat template of --chat-template FILE, else of {@code modelDir}, with --system. */
    static PromptFormat chatFormat(Args a, Path modelDir, Tokenizer tok) throws java.io.IOException {
        if (tok == null) throw new UserError("--chat needs the model's tokenizer files in " + modelDir);
        ChatTemplate template = a.has("--chat-template") ? ChatTemplate.load(a.path("--chat-template"), modelDir)
                : ChatTemplate.find(modelDir).orElseThrow(() -> new UserError(modelDir + " has no chat template (no " + ChatTemplate.JINJA_FILE
                        + ", and no chat_template in " + ChatTemplate.TOKENIZER_CONFIG + "); give one with --chat-template FILE"));
        return PromptFormat.chat(tok, template, a.has("--system") ? a.string("--system") : null);
    }

    @SafeVarargs
    static List<Option> options(List<Option>... groups) {
        List<Option> all = new java.util.ArrayList<>();
        for (List<Option> g : groups) all.addAll(g);
        return List.copyOf(all);
    }

    /** The tokenizer of a model directory; null when it has none and none is needed. */
    static dev.fastdraft.models.tokenizer.Tokenizer tokenizerIfPresent(java.nio.file.Path dir, boolean required) throws java.io.IOException {
        boolean present = java.nio.file.Files.isRegularFile(dir.resolve("tokenizer.json"));
        if (!present && required) throw new UserError(dir + " has no tokenizer.json; give --ids instead of text, or add the tokenizer files");
        return present ? dev.fastdraft.models.tokenizer.Tokenizer.load(dir) : null;
    }

    /** The prompt ids from --ids (as given) or --prompt (tokenized as {@code format} says). */
    static int[] prompt(Args a, PromptFormat format, int vocab) {
        if (a.has("--ids") == a.has("--prompt")) throw new UserError("give exactly one of --prompt TEXT or --ids 1,2,3");
        if (a.has("--ids") && format.isChat()) throw new UserError("--chat formats --prompt text; --ids are used as given, so leave out --chat");
        int[] ids = a.has("--ids") ? a.intList("--ids") : format.encode(a.string("--prompt"));
        checkIds(ids, vocab, a.has("--ids") ? "--ids" : "--prompt");
        return ids;
    }

    /** End-of-sequence ids: the model config's, plus the tokenizer's. */
    static int[] eosIds(dev.fastdraft.models.llama.LlamaModel model, dev.fastdraft.models.tokenizer.Tokenizer tok) {
        java.util.Set<Integer> s = new java.util.TreeSet<>();
        for (int e : model.config().eosTokenIds()) s.add(e);
        if (tok != null) for (int e : tok.eosIds()) s.add(e);
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The --stop strings: an empty one would match before any text, ending generation after one token. */
    static List<String> stops(Args a) {
        List<String> stops = a.strings("--stop");
        if (stops.contains("")) throw new UserError("--stop needs non-empty text, got \"\"");
        return stops;
    }

    /** Refuses {@code option} when {@code needed} is absent: it would be ignored without it. */
    static void requires(Args a, String option, String needed, String why) {
        if (a.has(option) && !a.has(needed)) throw new UserError(option + " needs " + needed + " (" + why + "); add " + needed + " or leave out " + option);
    }

    static final Option DRAFT_CONFIDENCE = Option.value("--draft-confidence", "P",
            "end a round's drafting after a token the draft gave a probability below P, as transformers' assistant_confidence_threshold"
                    + " (default 0: always draft K; 0.4 to 0.6 pays off with long drafts)");

    /** --draft-confidence, checked. */
    static double draftConfidence(Args a) {
        double p = a.number("--draft-confidence", 0);
        if (!(p >= 0 && p < 1)) throw new UserError("--draft-confidence must be in [0, 1), got " + a.string("--draft-confidence", ""));
        return p;
    }

    /** A draft length given with {@code option}, checked against what one round may draft. */
    static int checkDraftTokens(String option, int k) {
        int max = SpeculativeDecoder.DraftLength.MAX_TOKENS;
        if (k < 1 || k > max) {
            throw new UserError(option + " must be between 1 and " + max + ", got " + k
                    + " (a round verifies its tokens in one pass of at most " + (max + 1) + " rows, computed exactly like decode steps)");
        }
        return k;
    }

    static final Option DEVICE = Option.value("--device", "D", "where matmuls run: cpu | auto | opencl:N | levelzero:N (default cpu; see 'devices')");

    /**
     * The device chosen by --device, or null for the CPU kernels. {@code auto} keeps the CPU unless a device
     * is measured faster (with a one-line notice); a named device that cannot be opened is a user error.
     */
    static ComputeDevice device(Args a, Console console) {
        String d = a.string("--device", "cpu");
        if (d.equals("cpu")) return null;
        WorkerPool pool = WorkerPool.common();
        try {
            ComputeDevice opened = new Devices(pool.threads()).open(DeviceSelection.parse(d), new CpuKernels(pool), console.err()::println);
            return opened instanceof CpuDevice ? null : opened;
        } catch (DeviceException e) {
            throw new UserError(e.getMessage());
        }
    }
}
