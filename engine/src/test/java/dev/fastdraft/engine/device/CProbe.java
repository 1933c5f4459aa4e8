package dev.fastdraft.engine.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Compiles and runs a small C program with gcc, for checking our constants and layouts against real headers. */
final class CProbe {
    private CProbe() {}

    /** Skips the calling test (printing why) when gcc or one of the headers is missing. */
    static void requireToolsAndHeaders(String testName, String... headers) {
        if (!onPath("gcc")) skip(testName, "gcc not found on PATH");
        for (String h : headers) if (!Files.exists(Path.of(h))) skip(testName, h + " not found (Debian: " + (h.contains("level_zero") ? "libze-dev" : "opencl-c-headers") + ")");
    }

    static void skip(String testName, String why) {
        System.out.println(testName + " skipped: " + why);
        Assumptions.abort(why);
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) if (Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    /** Compiles {@code source}, runs it, and returns its "key value" output lines as a map. */
    static Map<String, Long> run(String source) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("fastdraft-cprobe");
        try {
            Path c = dir.resolve("probe.c"), exe = dir.resolve("probe");
            Files.writeString(c, source);
            exec(List.of("gcc", "-std=c11", "-o", exe.toString(), c.toString()), dir);
            String out = exec(List.of(exe.toString()), dir);
            Map<String, Long> values = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) continue;
                int sp = line.lastIndexOf(' ');
                values.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).trim()));
            }
            return values;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String exec(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed with exit code " + p.exitValue() + ":\n" + text);
        return text;
    }
}
