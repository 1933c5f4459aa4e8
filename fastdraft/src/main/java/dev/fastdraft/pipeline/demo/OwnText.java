package dev.fastdraft.pipeline.demo;

import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.pipeline.FastDraft;
import dev.fastdraft.pipeline.synth.SamplePlan;
import dev.fastdraft.pipeline.synth.SynthSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The fallback corpus where the JDK has no src.zip: the target's own continuations of a few Java openings,
 * sampled at temperature 1, written as JSON Lines with a {@code text} field.
 */
final class OwnText {
    private static final List<String> OPENINGS = List.of("package java.util;\n\nimport ", "/*\n * Copyright", "public final class ",
            "    /**\n     * Returns ", "    @Override\n    public ", "        for (int i = 0; i < ", "        if (", "    private static ",
            "        try {\n            ", "        return ", "    public static void main(String[] args) {\n", "import java.io.");

    private OwnText() {}

    static Path write(Path target, Path out, long tokens, long seed, PrintStream log) throws IOException {
        int newTokens = 256;
        int samples = (int) Math.max(1, tokens / newTokens / OPENINGS.size());
        Files.createDirectories(out.getParent());
        Path raw = out.resolveSibling("own-text-synth.jsonl");
        SynthSettings s = new SynthSettings(SamplePlan.of(new double[] {1.0}, samples, seed), newTokens, 8, 1.0, 0, Long.MAX_VALUE);
        FastDraft.synth(target, OPENINGS, s, raw, log);
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(raw, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            Map<String, Object> r = Json.parseObject(line);
            sb.append(Json.write(Map.of("text", r.get("prompt") + "" + r.get("completion")))).append('\n');
        }
        AtomicFile.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
        return out;
    }
}
