package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.io.Npy;
import dev.fastdraft.models.llama.LlamaLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model commands on a tiny random checkpoint without tokenizer files (ids only). */
class CliEndToEndTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void tinyModel() throws Exception {
        ModelConfig c = ModelConfig.builder(Architecture.LLAMA).vocabSize(50).hiddenSize(32).intermediateSize(64).numLayers(2)
                .numHeads(4).numKvHeads(2).maxPositionEmbeddings(128).tieWordEmbeddings(true).eosTokenIds(0).build();
        model = dir.resolve("tiny");
        LlamaLoader.save(LlamaLoader.initialize(c, 7, 0.2), model, DType.BF16);
    }

    @Test
    void logitsWritesOneRowPerId() throws Exception {
        Path out = dir.resolve("l.npy");
        CliRun r = cli("logits", "--model", model.toString(), "--ids", "1,2,3,4", "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertArrayEquals(new int[] {4, 50}, Npy.read(out).shape());
    }

    @Test
    void greedyGenerateIsDeterministicAndMatchesLogits() throws Exception {
        CliRun a = cli("generate", "--model", model.toString(), "--ids", "5,6,7", "--max-new-tokens", "6", "--temperature", "0", "--ignore-eos", "--json");
        CliRun b = cli("generate", "--model", model.toString(), "--ids", "5,6,7", "--max-new-tokens", "6", "--temperature", "0", "--ignore-eos", "--json");
        assertEquals(0, a.rc(), a.err());
        Map<String, Object> ja = Json.parseObject(a.out().trim());
        assertEquals(ja.get("ids"), Json.parseObject(b.out().trim()).get("ids"));
        List<?> ids = (List<?>) ja.get("ids");
        assertEquals(6, ids.size());
        // the first generated id is the argmax of the prompt's last logits
        Path out = dir.resolve("g.npy");
        cli("logits", "--model", model.toString(), "--ids", "5,6,7", "--out", out.toString());
        float[] l = Npy.read(out).toFloatArray();
        int best = 0;
        for (int i = 1; i < 50; i++) if (l[2 * 50 + i] > l[2 * 50 + best]) best = i;
        assertEquals((long) best, ((Number) ids.get(0)).longValue());
        assertTrue(((Number) ja.get("decode_tokens_per_s")).doubleValue() > 0);
    }

    @Test
    void trainWritesLogAndALoadableModel() throws Exception {
        Path data = dir.resolve("d.bin");
        ByteBuffer bb = ByteBuffer.allocate(4 * 600).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 600; i++) bb.putInt((i * 7 + i / 3) % 50);
        Files.write(data, bb.array());
        Path out = dir.resolve("trained"), log = dir.resolve("log.json");
        CliRun r = cli("train", "--init", model.toString(), "--data", data.toString(), "--seq-len", "16", "--batch", "2", "--steps", "8",
                "--lr", "3e-3", "--weight-decay", "0.1", "--beta1", "0.9", "--beta2", "0.95", "--eps", "1e-8", "--grad-clip", "1",
                "--schedule", "constant", "--data-order", "sequential", "--log-json", log.toString(), "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        List<?> losses = (List<?>) Json.parseObject(Files.readString(log)).get("loss");
        assertEquals(8, losses.size());
        double first = ((Number) losses.get(0)).doubleValue(), last = ((Number) losses.get(7)).doubleValue();
        assertTrue(last < first, "a patterned corpus is learnable: " + losses);
        assertEquals(0, cli("logits", "--model", out.toString(), "--ids", "1,2", "--out", dir.resolve("t.npy").toString()).rc());
    }

    @Test
    void greedySpeculationReproducesTheTargetsGreedyOutput() throws Exception {
        Path draft = dir.resolve("draft");
        ModelConfig c = ModelConfig.builder(Architecture.LLAMA).vocabSize(50).hiddenSize(16).intermediateSize(32).numLayers(1)
                .numHeads(2).numKvHeads(1).maxPositionEmbeddings(128).tieWordEmbeddings(true).eosTokenIds(0).build();
        LlamaLoader.save(LlamaLoader.initialize(c, 99, 0.2), draft, DType.F32);
        CliRun base = cli("generate", "--model", model.toString(), "--ids", "9,8,7,6", "--max-new-tokens", "24", "--ignore-eos", "--json");
        for (String k : new String[] {"1", "3", "6"}) {
            for (String confidence : new String[] {"0", "0.4", "0.9"}) {
                CliRun spec = cli("speculate", "--target", model.toString(), "--draft", draft.toString(), "--ids", "9,8,7,6",
                        "--max-new-tokens", "24", "--draft-tokens", k, "--draft-confidence", confidence, "--ignore-eos", "--json");
                assertEquals(0, spec.rc(), spec.err());
                Map<String, Object> j = Json.parseObject(spec.out().trim());
                assertEquals(Json.parseObject(base.out().trim()).get("ids"), j.get("ids"), "k=" + k + ", confidence " + confidence);
                assertTrue(((Number) j.get("target_calls")).intValue() <= 24);
            }
        }
        CliRun tooMany = cli("speculate", "--target", model.toString(), "--draft", draft.toString(), "--ids", "1", "--draft-tokens", "16");
        assertEquals(2, tooMany.rc());
        assertTrue(tooMany.err().contains("--draft-tokens must be between 1 and 15, got 16"), tooMany.err());
        CliRun badConfidence = cli("speculate", "--target", model.toString(), "--draft", draft.toString(), "--ids", "1", "--draft-confidence", "1.5");
        assertEquals(2, badConfidence.rc());
        assertTrue(badConfidence.err().contains("--draft-confidence must be in [0, 1), got 1.5"), badConfidence.err());
        Path other = dir.resolve("other");
        ModelConfig c2 = c.toBuilder().vocabSize(51).build();
        LlamaLoader.save(LlamaLoader.initialize(c2, 1, 0.2), other, DType.F32);
        CliRun bad = cli("speculate", "--target", model.toString(), "--draft", other.toString(), "--ids", "1", "--max-new-tokens", "3");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().contains("vocabulary of 51"), bad.err());
    }

    @Test
    void logitsOnAnOpenClDeviceMatchTheCpu() throws Exception {
        Path cpu = dir.resolve("cpu.npy"), dev = dir.resolve("dev.npy");
        assertEquals(0, cli("logits", "--model", model.toString(), "--ids", "3,1,4,1,5", "--out", cpu.toString()).rc());
        CliRun r = cli("logits", "--model", model.toString(), "--ids", "3,1,4,1,5", "--out", dev.toString(), "--device", "opencl:0");
        org.junit.jupiter.api.Assumptions.assumeTrue(r.rc() == 0, () -> "skipped: no OpenCL device here (" + r.err().trim() + ")");
        float[] a = Npy.read(cpu).toFloatArray(), b = Npy.read(dev).toFloatArray();
        float max = 0;
        for (float v : a) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4f * max, "logit " + i);
        CliRun bad = cli("logits", "--model", model.toString(), "--ids", "1", "--out", dev.toString(), "--device", "opencl:99");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().contains("opencl:99"), bad.err());
    }

    @Test
    void aDivergingRunStopsWithOneLineNamingTheStep() throws Exception {
        Path data = dir.resolve("nan.bin");
        ByteBuffer bb = ByteBuffer.allocate(4 * 200).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 200; i++) bb.putInt(i % 50);
        Files.write(data, bb.array());
        CliRun r = cli("train", "--init", model.toString(), "--data", data.toString(), "--seq-len", "8", "--batch", "2", "--steps", "5",
                "--lr", "1e30", "--grad-clip", "0", "--out", dir.resolve("nan-out").toString());
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains("training diverged") && r.err().contains("at step"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void userMistakesGetOneLineErrors() {
        CliRun r = cli("logits", "--model", model.toString(), "--ids", "1,99", "--out", dir.resolve("x.npy").toString());
        assertEquals(2, r.rc());
        assertEquals("error: --ids: id 99 at position 2 is outside the vocabulary [0, 50)", r.err().trim());
        CliRun m = cli("generate", "--model", dir.resolve("nope").toString(), "--ids", "1");
        assertEquals(2, m.rc());
        assertFalse(m.err().contains("\tat "), "no stack trace: " + m.err());
        CliRun t = cli("generate", "--model", model.toString(), "--prompt", "hi");
        assertEquals(2, t.rc());
        assertTrue(t.err().contains("no tokenizer.json"), t.err());
    }
}
