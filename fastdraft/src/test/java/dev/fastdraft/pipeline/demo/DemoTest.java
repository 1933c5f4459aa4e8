package dev.fastdraft.pipeline.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end on the embedded target, with every stage shrunk to seconds. */
class DemoTest {
    private static final DemoPlan TINY = new DemoPlan("tiny", 64, 1, 4096, 4, 12, 1, 2, 12, 3, 24);

    @TempDir
    Path tmp;

    private String run(Path out) throws Exception {
        return run(out, false);
    }

    private String run(Path out, boolean targetText) throws Exception {
        String why = "skipped: this build has no embedded demo target (" + EmbeddedTarget.RESOURCE_DIR + ")";
        if (!EmbeddedTarget.available()) System.out.println(why);
        org.junit.jupiter.api.Assumptions.assumeTrue(EmbeddedTarget.available(), why);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Demo.Result r = new Demo(new Demo.Options(out, TINY, null, targetText, 1), ps, new PrintStream(java.io.OutputStream.nullOutputStream())).run();
        for (var report : new dev.fastdraft.pipeline.eval.SpeculativeEval.Report[] {r.pretrained(), r.distilled()}) {
            var s = report.summaries().get(0);
            assertEquals(s.prompts(), s.identical(), "greedy speculative output must equal the target's");
            assertEquals(TINY.evalPrompts(), s.prompts());
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsEveryStageAndARerunContinues() throws Exception {
        Path out = tmp.resolve("demo");
        String first = run(out);
        for (String stage : Demo.stages()) assertTrue(Files.isRegularFile(out.resolve(".done-" + stage)), stage + " left no marker");
        assertTrue(Files.size(out.resolve("report.txt")) > 0);
        assertTrue(first.contains("block efficiency"), first);
        assertTrue(first.contains("output identical to the target's"), first);
        // each speed-up is against the target's timing in its own run, and the table says which that was
        assertTrue(first.matches("(?s).*The target alone ran next to each draft, prompt by prompt: \\d+ tok/s beside the pre-trained draft, \\d+ beside the.*"), first);
        assertTrue(Files.isRegularFile(out.resolve("draft-distilled/model.safetensors")));

        // an interrupted run: the last stage's marker is gone, so only that stage runs again
        Files.delete(out.resolve(".done-distill"));
        String second = run(out);
        assertTrue(second.contains("(reusing synth"), second);
        assertTrue(!second.contains("(reusing distill"), second);
    }

    @Test
    void otherSettingsAreRefusedUntilFreshStartsOverWithTheTargetsOwnText() throws Exception {
        Path out = tmp.resolve("demo2");
        run(out);
        Files.writeString(out.resolve("synth.jsonl"), "{\"not\": \"this run's\"}\n");
        // the fallback where a JDK has no src.zip, forced: other settings are refused and the first run's files kept
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(out, true));
        assertEquals("--out " + out + " holds a demo run with other settings (target_text false there, true now); pass --fresh to start over there"
                + " (its files are deleted), or choose another --out", e.getMessage());
        assertEquals("{\"not\": \"this run's\"}\n", Files.readString(out.resolve("synth.jsonl")));
        assertTrue(Files.isRegularFile(out.resolve(".done-distill")));
        // what --fresh does before the run
        Demo.reset(out);
        String s = run(out, true);
        assertTrue(!s.contains("(reusing"), s);
        assertTrue(s.contains("text the target writes itself"), s);
        assertTrue(Files.isRegularFile(out.resolve("data/own-text.jsonl")));
    }
}
