package dev.fastdraft.pipeline.synth;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.models.llama.LlamaLoader;
import dev.fastdraft.models.tokenizer.Tokenizer;
import dev.fastdraft.pipeline.TinyModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** synth on a tiny target: records, resumption after an interruption, refusal of a foreign output file. */
class SynthTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static final List<String> PROMPTS = List.of("the cat", "in the hat", "a b c", "there", "fin");
    static final int[] EOS = {TinyModels.EOS};

    @TempDir
    static Path dir;
    static Path target;

    @BeforeAll
    static void tinyTarget() throws Exception {
        target = TinyModels.model(dir.resolve("target"), TinyModels.config(32, 2, 128), 3, 0.3, DType.F32);
    }

    static Synth.Summary synth(List<String> prompts, SynthSettings s, Path out) throws Exception {
        try (LlamaLoader.Loaded t = LlamaLoader.open(target)) {
            return Synth.run(t.model(), Tokenizer.load(target), EOS, prompts, s, out, QUIET);
        }
    }

    static SynthSettings settings(int batch, long limit, int topK) {
        return new SynthSettings(SamplePlan.of(new double[] {0, 0.8, 1.0}, 3, 7), 10, batch, 0.95, topK, limit);
    }

    static Map<String, SynthRecord> byKey(Path file) throws Exception {
        Map<String, SynthRecord> m = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            SynthRecord r = SynthRecord.parse(line);
            assertNull(m.put(r.promptIndex() + "/" + r.sampleIndex(), r), "duplicate record " + r.promptIndex() + "/" + r.sampleIndex());
        }
        return m;
    }

    @Test
    void recordsHoldPromptCompletionIdsAndSettings() throws Exception {
        Path out = dir.resolve("plain.jsonl");
        Synth.Summary s = synth(PROMPTS, settings(4, Long.MAX_VALUE, 3), out);
        assertEquals(15, s.written());
        Tokenizer tok = Tokenizer.load(target);
        Map<String, SynthRecord> recs = byKey(out);
        assertEquals(15, recs.size());
        for (SynthRecord r : recs.values()) {
            assertEquals(PROMPTS.get(r.promptIndex()), r.prompt());
            assertArrayEquals(tok.encode(r.prompt()), r.promptIds());
            assertEquals(tok.decode(r.completionIds(), true), r.completion());
            assertEquals(new double[] {0, 0.8, 1.0}[r.sampleIndex()], r.temperature());
            assertEquals(r.temperature() == 0 ? 1.0 : 0.95, r.topP());
            int n = r.completionIds().length;
            assertTrue(n >= 1 && n <= 10);
            assertEquals(n < 10 ? "stop" : "length", r.finishReason(), "a completion shorter than the limit ended at EOS");
            if (r.finishReason().equals("stop")) assertEquals(TinyModels.EOS, r.completionIds()[n - 1]);
            assertEquals(3, r.topk());
            assertEquals(3 * n, r.topProbs().length);
        }
    }

    /**
     * An interrupted run (--limit, then a partial line as a killed process leaves it) resumed with the same
     * output: every (prompt, sample) exactly once, no partial line, and the greedy completions those of an
     * uninterrupted run.
     */
    @Test
    void resumedRunHasEveryRecordOnce() throws Exception {
        Path straight = dir.resolve("straight.jsonl"), resumed = dir.resolve("resumed.jsonl");
        synth(PROMPTS, settings(3, Long.MAX_VALUE, 0), straight);

        Synth.Summary first = synth(PROMPTS, settings(3, 4, 0), resumed);
        assertEquals(4, first.written());
        assertEquals(11, first.remaining());
        Files.writeString(resumed, "{\"prompt_index\": 2, \"sample_index\": 1, \"tempera", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Synth.Summary second = synth(PROMPTS, settings(3, Long.MAX_VALUE, 0), resumed);
        assertTrue(second.cutBytes() > 0, "the partial line is cut off");
        assertEquals(4, second.existing());
        assertEquals(11, second.written());
        assertEquals(0, second.remaining());
        Map<String, SynthRecord> a = byKey(straight), b = byKey(resumed);
        assertEquals(a.keySet(), b.keySet());
        for (SynthRecord r : a.values()) {
            if (r.temperature() == 0) assertArrayEquals(r.completionIds(), b.get(r.promptIndex() + "/0").completionIds(), "greedy prompt " + r.promptIndex());
        }
        // a third run finds nothing to do and writes nothing
        long size = Files.size(resumed);
        Synth.Summary third = synth(PROMPTS, settings(3, Long.MAX_VALUE, 0), resumed);
        assertEquals(0, third.written());
        assertEquals(size, Files.size(resumed));
    }

    @Test
    void recordsRoundTripThroughJson() {
        SynthRecord r = new SynthRecord(3, 1, 0.8, 0.95, 123456789012L, "stop", "say \"hi\"\n\u00e9", "h\u00e9", new int[] {1, 2}, new int[] {5, 6},
                2, new int[] {5, 9, 6, 1}, new float[] {0.75f, 1.0e-7f, 0.5f, 3.0e-12f});
        String line = r.toJson();
        assertFalse(line.contains("\n"), "one line: " + line);
        SynthRecord back = SynthRecord.parse(line);
        assertEquals(r.prompt(), back.prompt());
        assertEquals(r.completion(), back.completion());
        assertEquals(r.seed(), back.seed());
        assertEquals(r.temperature(), back.temperature());
        assertArrayEquals(r.completionIds(), back.completionIds());
        assertArrayEquals(r.topIds(), back.topIds());
        assertArrayEquals(r.topProbs(), back.topProbs(), "probabilities survive exactly (shortest float text, exponents included)");
        var e = assertThrows(IllegalArgumentException.class, () -> SynthRecord.parse("{\"prompt_ids\": [1], \"completion_ids\": [2, -1]}"));
        assertTrue(e.getMessage().contains("completion_ids"), e.getMessage());
    }

    @Test
    void anOutputMadeFromOtherPromptsIsRefused() throws Exception {
        Path out = dir.resolve("other.jsonl");
        synth(PROMPTS, settings(2, 2, 0), out);
        var e = assertThrows(IllegalArgumentException.class, () -> synth(List.of("different", "prompts", "here"), settings(2, 2, 0), out));
        assertTrue(e.getMessage().contains("other.jsonl:1:"), e.getMessage());
        var t = assertThrows(IllegalArgumentException.class, () -> synth(PROMPTS, settings(2, 2, 4), out));
        assertTrue(t.getMessage().contains("--store-topk"), t.getMessage());
    }
}
