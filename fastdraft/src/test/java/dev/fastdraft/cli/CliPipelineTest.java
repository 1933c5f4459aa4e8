package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.pipeline.PromptFile;
import dev.fastdraft.pipeline.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrain, synth and distill through the command line, and their one-line errors. */
class CliPipelineTest {
    @TempDir
    static Path dir;
    static Path target, draft, prompts;

    static void oneLineError(CliRun r, String fragment) {
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @BeforeAll
    static void models() throws Exception {
        target = TinyModels.model(dir.resolve("target"), TinyModels.config(32, 2, 128), 3, 0.3, DType.BF16);
        draft = TinyModels.model(dir.resolve("draft"), TinyModels.config(16, 1, 64), 4, 0.1, DType.F32);
        prompts = dir.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"the cat\"}\n{\"prompt\": \"plain text prompt\"}\n\n{\"prompt\": \"in the hat\", \"id\": 3}\n{\"prompt\": \"a\\nb\"}\n");
    }

    @Test
    void synthThenDistillWithKl() throws Exception {
        Path data = dir.resolve("synth.jsonl");
        CliRun s = cli("synth", "--target", target.toString(), "--prompts", prompts.toString(), "--out", data.toString(), "--temperatures", "0,0.8",
                "--samples-per-prompt", "3", "--max-new-tokens", "12", "--batch", "4", "--store-topk", "5", "--seed", "9");
        assertEquals(0, s.rc(), s.err());
        assertTrue(s.out().contains("12 records written"), s.out());
        assertTrue(s.err().contains("tok/s"), "progress line: " + s.err());
        assertEquals(12, Files.readAllLines(data).size());
        CliRun again = cli("synth", "--target", target.toString(), "--prompts", prompts.toString(), "--out", data.toString(), "--temperatures", "0,0.8",
                "--samples-per-prompt", "3", "--max-new-tokens", "12", "--batch", "4", "--store-topk", "5", "--seed", "9");
        assertTrue(again.out().contains("0 records written (12 were there)"), again.out());

        Path out = dir.resolve("distilled");
        CliRun d = cli("distill", "--draft", draft.toString(), "--data", data.toString(), "--out", out.toString(), "--loss", "kl", "--kd-weight", "0.5",
                "--steps", "4", "--batch", "2", "--seq-len", "24", "--lr", "3e-3", "--val-fraction", "0.3", "--save-dtype", "bf16");
        assertEquals(0, d.rc(), d.err());
        assertTrue(d.out().startsWith("distilled " + out + ": 4 steps"), d.out());
        assertTrue(d.err().contains("is a complete Hugging Face checkpoint"), d.err());
        try (LlamaLoader.Loaded m = LlamaLoader.open(out)) {
            assertEquals(TinyModels.VOCAB, m.model().vocabSize());
        }
        assertEquals("bfloat16", ModelConfig.load(out.resolve("config.json")).torchDtype());
    }

    @Test
    void pretrainInPlaceReportsValidation() throws Exception {
        Path d = TinyModels.model(dir.resolve("pre"), TinyModels.config(16, 1, 64), 4, 0.1, DType.F32);
        Path train = TinyModels.tokens(dir.resolve("t.bin"), TinyModels.patterned(600, TinyModels.VOCAB));
        Path val = TinyModels.tokens(dir.resolve("v.bin"), TinyModels.patterned(200, TinyModels.VOCAB));
        byte[] before = Files.readAllBytes(d.resolve("model.safetensors"));
        CliRun r = cli("pretrain", "--draft", d.toString(), "--data", train.toString(), "--val-data", val.toString(), "--tokens", "256",
                "--seq-len", "16", "--batch", "2", "--lr", "3e-3", "--warmup", "1");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().matches("(?s)pretrained .*: 8 steps, train loss [0-9.]+, validation loss [0-9.]+, perplexity [0-9.]+\\s*"), r.out());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(d.resolve("model.safetensors"))), "trained in place");
        assertEquals("float32", ModelConfig.load(d.resolve("config.json")).torchDtype(), "saved as the draft was stored");
        Path half = TinyModels.model(dir.resolve("pre-bf16"), TinyModels.config(16, 1, 64), 4, 0.1, DType.BF16);
        CliRun h = cli("pretrain", "--draft", half.toString(), "--data", train.toString(), "--tokens", "64", "--seq-len", "16", "--batch", "2",
                "--out", dir.resolve("pre-bf16-out").toString());
        assertEquals(0, h.rc(), h.err());
        assertEquals("bfloat16", ModelConfig.load(dir.resolve("pre-bf16-out").resolve("config.json")).torchDtype(), "a bf16 draft stays bf16");
        try (LlamaLoader.Loaded m = LlamaLoader.open(dir.resolve("pre-bf16-out"))) {
            assertEquals("BF16", m.checkpoint().info("model.embed_tokens.weight").dtypeName());
        }
        oneLineError(cli("pretrain", "--draft", d.toString(), "--data", train.toString(), "--tokens", "1k", "--seq-len", "100", "--batch", "2"),
                "--seq-len 100 is longer than the draft's context of 64");
        oneLineError(cli("pretrain", "--draft", d.toString(), "--data", train.toString(), "--tokens", "10", "--seq-len", "16"), "less than one optimizer step");
    }

    @Test
    void badPromptFilesAndDataGetOneLineErrors() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\": \"ok\"}\n{\"prompt\": \"broken\n{\"text\": \"no prompt field\"}\n");
        Path out = dir.resolve("x.jsonl");
        oneLineError(cli("synth", "--target", target.toString(), "--prompts", bad.toString(), "--out", out.toString()), "bad.jsonl:2:");
        CliRun skipped = cli("synth", "--target", target.toString(), "--prompts", bad.toString(), "--out", out.toString(), "--skip-bad-lines",
                "--temperatures", "0", "--max-new-tokens", "3");
        assertEquals(0, skipped.rc(), skipped.err());
        assertTrue(skipped.out().contains("1 records written"), skipped.out());
        // a line that is not JSON in a JSON Lines file stops synth and eval too; it is no plain prompt
        Files.writeString(bad, "\uFEFF{\"prompt\":\"a\"}\nnot json\n{\"prompt\":\"b\"}\n");
        oneLineError(cli("synth", "--target", target.toString(), "--prompts", bad.toString(), "--out", out.toString()), "bad.jsonl:2: not a JSON object");
        oneLineError(cli("eval", "--target", target.toString(), "--draft", draft.toString(), "--prompts", bad.toString()), "bad.jsonl:2: not a JSON object");
        assertEquals(List.of("a", "b"), PromptFile.read(bad, "prompt", true));
        assertEquals(List.of("not json", "{\"prompt\":\"b\"}"), PromptFile.read(Files.writeString(dir.resolve("plain.txt"), "not json\n{\"prompt\":\"b\"}\n"), "prompt", false),
                "a plain file stays plain");
        Files.write(bad, new byte[] {'o', 'k', '\n', 'b', (byte) 0xE9, 'd', '\n'});
        oneLineError(cli("synth", "--target", target.toString(), "--prompts", bad.toString(), "--out", out.toString()), bad + " is not valid UTF-8 (line 2)");
        oneLineError(cli("eval", "--target", target.toString(), "--draft", draft.toString(), "--prompts", dir.toString()), dir + " is a directory");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        oneLineError(cli("synth", "--target", target.toString(), "--prompts", empty.toString(), "--out", dir.resolve("y.jsonl").toString()), "no prompts found");
        Path bare = dir.resolve("bare");
        LlamaLoader.save(LlamaLoader.initialize(TinyModels.config(16, 1, 64), 1, 0.1), bare, DType.F32);
        oneLineError(cli("synth", "--target", bare.toString(), "--prompts", prompts.toString(), "--out", dir.resolve("z.jsonl").toString()), "has no tokenizer.json");

        // distill: a malformed record, ids beyond the draft's vocabulary, kl without stored probabilities, a too long seq-len
        Path data = dir.resolve("d.jsonl");
        Files.writeString(data, "{\"prompt_ids\": [1, 2], \"completion_ids\": [3, 4]}\n{\"prompt_ids\": [1], \"completion_ids\": 7}\n");
        oneLineError(cli("distill", "--draft", draft.toString(), "--data", data.toString(), "--out", dir.resolve("o1").toString()), "d.jsonl:2:");
        Files.writeString(data, "{\"prompt_ids\": [1, 2], \"completion_ids\": [3, 400]}\n");
        oneLineError(cli("distill", "--draft", draft.toString(), "--data", data.toString(), "--out", dir.resolve("o2").toString()),
                "token id 400 is outside the draft's vocabulary of 263");
        Files.writeString(data, "{\"prompt_ids\": [1, 2], \"completion_ids\": [3, 4]}\n");
        oneLineError(cli("distill", "--draft", draft.toString(), "--data", data.toString(), "--out", dir.resolve("o3").toString(), "--loss", "tv"),
                "no topk_ids/topk_probs");
        oneLineError(cli("distill", "--draft", draft.toString(), "--data", data.toString(), "--out", dir.resolve("o4").toString(), "--seq-len", "65",
                "--val-fraction", "0"), "--seq-len 65 is longer than the draft's context of 64");
    }

    @Test
    void helpListsThePipelineCommands() {
        CliRun r = cli("--help");
        for (String c : new String[] {"train", "pretrain", "synth", "distill", "speculate", "eval"}) assertTrue(r.out().contains(c), r.out());
    }
}
