package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.pipeline.TinyModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, pretrain and distill: options checked before any work, outputs that a failure does not leave half made. */
class TrainingCommandsTest {
    @TempDir
    static Path dir;
    static Path draft, tokens, examples;

    @BeforeAll
    static void data() throws Exception {
        draft = TinyModels.model(dir.resolve("draft"), TinyModels.config(16, 1, 64), 4, 0.1, DType.F32);
        tokens = TinyModels.tokens(dir.resolve("t.bin"), TinyModels.patterned(600, TinyModels.VOCAB));
        examples = dir.resolve("synth.jsonl");
        Files.writeString(examples, "{\"prompt_ids\": [1, 2], \"completion_ids\": [3, 4, 5]}\n".repeat(8));
    }

    static String[] pretrain(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("pretrain", "--draft", draft.toString(), "--data", tokens.toString(), "--tokens", "256",
                "--seq-len", "16", "--batch", "2", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static String[] train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--init", draft.toString(), "--data", tokens.toString(), "--seq-len", "16", "--batch", "2",
                "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static String[] distill(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("distill", "--draft", draft.toString(), "--data", examples.toString(), "--steps", "2", "--batch", "2",
                "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static void error(String expected, String... args) {
        CliRun r = cli(args);
        assertEquals(2, r.rc(), r.err());
        assertEquals("error: " + expected, r.err().trim());
    }

    @Test
    void learningRatesAndIntervalsAreCheckedBeforeTraining() {
        Path out = dir.resolve("never");
        error("--lr must be a finite number > 0, got -1", pretrain(out, "--lr", "-1"));
        error("--lr must be a finite number > 0, got -1", train(out, "--steps", "2", "--lr", "-1"));
        error("--lr must be a finite number > 0, got -1", distill(out, "--lr", "-1"));
        error("--lr must be a finite number > 0, got NaN", pretrain(out, "--lr", "NaN"));
        error("--min-lr must be between 0 and --lr (0.001), got 1", pretrain(out, "--lr", "0.001", "--min-lr", "1"));
        error("--warmup must be between 0 and the run's 8 steps, got -1", pretrain(out, "--warmup", "-1"));
        error("--checkpoint-every must be >= 0 (0: only the final model), got -1", pretrain(out, "--checkpoint-every", "-1"));
        error("--val-batches must be >= 1, got 0", pretrain(out, "--val-batches", "0"));
        error("--val-every must be >= 1 (validation also runs at the end), got 0", distill(out, "--val-every", "0"));
        error("train needs --steps N (the number of optimizer steps; there is no default)", train(out));
        assertFalse(Files.exists(out));
    }

    @Test
    void aModelPastOneArrayIsRefusedBeforeAnyWork() throws Exception {
        Path config = Files.writeString(dir.resolve("huge.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 100, "hidden_size": 64, "intermediate_size": 2000000000,
                 "num_hidden_layers": 1, "num_attention_heads": 1, "num_key_value_heads": 1, "max_position_embeddings": 64}
                """);
        Path out = dir.resolve("huge");
        // 64 x 2e9 wrapped to a negative array size (NegativeArraySizeException, exit 3)
        error("the model is too large: its MLP matrix (intermediate_size x hidden_size) would hold 2,000,000,000 x 64 = 1.28e+11 values, "
                + "more than one Java array holds (2,147,483,639); train a smaller model",
                "train", "--config", config.toString(), "--data", tokens.toString(), "--seq-len", "16", "--batch", "2", "--steps", "2", "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void outMustBeADirectoryAndAFailureLeavesNoNewOne() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "not a model");
        error("--out " + file + " exists and is not a directory; --out must be a directory (it is created if missing)", pretrain(file));
        error("--out " + file + " exists and is not a directory; --out must be a directory (it is created if missing)", train(file, "--steps", "2"));
        Path out = dir.resolve("new").resolve("out");
        CliRun r = cli("train", "--init", draft.toString(), "--data", dir.resolve("missing.bin").toString(), "--seq-len", "16", "--batch", "2",
                "--steps", "2", "--out", out.toString());
        assertEquals(2, r.rc(), r.err());
        assertFalse(Files.exists(dir.resolve("new")), "the directories made for --out are gone again");
        CliRun p = cli("pretrain", "--draft", dir.resolve("no-draft").toString(), "--data", tokens.toString(), "--tokens", "256", "--seq-len", "16",
                "--batch", "2", "--out", out.toString());
        assertEquals(2, p.rc(), p.err());
        assertFalse(Files.exists(dir.resolve("new")));
    }

    @Test
    void theLogsDirectoryIsCheckedBeforeTrainingAndTheModelWrittenFirst() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path out = dir.resolve("logged");
        CliRun bad = cli(train(out, "--steps", "2", "--log-json", file.resolve("log.json").toString()));
        assertEquals(2, bad.rc(), bad.err());
        assertEquals("error: --log-json: cannot create " + file.resolve("log.json") + " (" + file + " is not a writable directory); choose another path", bad.err().trim());
        assertFalse(Files.exists(out), "refused before training");

        Path log = dir.resolve("logs").resolve("run").resolve("log.json");
        CliRun ok = cli(train(out, "--steps", "2", "--log-json", log.toString()));
        assertEquals(0, ok.rc(), ok.err());
        assertEquals(2, ((List<?>) Json.parseObject(Files.readString(log)).get("loss")).size());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
    }

    /** A real process stopped mid-run (SIGTERM, which runs the same shutdown as Ctrl-C's SIGINT) says what --resume continues. */
    @Test
    void anInterruptedRunSaysWhatResumeContinues() throws Exception {
        Path out = dir.resolve("interrupted");
        Path many = TinyModels.tokens(dir.resolve("many.bin"), TinyModels.patterned(20_000, TinyModels.VOCAB));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "pretrain", "--draft", draft.toString(),
                "--data", many.toString(), "--val-data", tokens.toString(), "--tokens", "1m", "--seq-len", "16", "--batch", "2",
                "--val-every", "1", "--val-batches", "1", "--checkpoint-every", "2", "--out", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder err = new StringBuilder();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(line).append('\n');
                    }
                    if (line.contains(" 5/31250 steps")) started.countDown();
                }
            } catch (java.io.IOException ignored) {
                // the process has gone
            }
        });
        reader.start();
        try {
            assertTrue(started.await(120, TimeUnit.SECONDS), () -> "no progress: " + err);
            p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the stream being read
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        reader.join(10_000);
        assertEquals(143, p.exitValue(), err::toString);
        Matcher m = Pattern.compile("interrupted after step (\\d+) of 31250; the last checkpoint is step (\\d+) in " + Pattern.quote(out.toString())
                + ": rerun with --resume to continue from there").matcher(err);
        assertTrue(m.find(), err::toString);
        long step = Long.parseLong(m.group(1)), saved = Long.parseLong(m.group(2));
        assertTrue(saved >= 4 && saved % 2 == 0 && saved <= step, err::toString);
        assertTrue(Files.exists(out.resolve("checkpoint.safetensors")));
    }
}
