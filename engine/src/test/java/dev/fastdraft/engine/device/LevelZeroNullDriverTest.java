package dev.fastdraft.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.engine.device.levelzero.LevelZero;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Level Zero backend through the real loader (libze1), in child JVMs: against the loader's null driver
 * with the validation layer and parameter validation on (every binding called, every result checked), and
 * with a zeInit that fails (the backend explains and the JVM survives). The null driver is built by
 * .ci/build-ze-null.sh into target/ze-null, or named by FASTDRAFT_ZE_NULL_DRIVER.
 */
class LevelZeroNullDriverTest {
    @Test
    void everyBindingRunsCleanlyAgainstTheNullDriverWithValidation() throws Exception {
        requireLoader("everyBindingRunsCleanlyAgainstTheNullDriverWithValidation");
        Path driver = nullDriver();
        if (driver == null) CProbe.skip("LevelZeroNullDriverTest", "libze_null.so.1 not built: run .ci/build-ze-null.sh (needs Debian's level-zero source package) or set FASTDRAFT_ZE_NULL_DRIVER");
        String out = runChild("null-driver", Map.of(
                "ZE_ENABLE_ALT_DRIVERS", driver.toString(),
                "ZE_ENABLE_VALIDATION_LAYER", "1",
                "ZE_ENABLE_PARAMETER_VALIDATION", "1"));
        assertTrue(out.contains("NULL-DRIVER-OK"), out);
        assertTrue(out.contains("Null Device"), out);
    }

    @Test
    void aFailedZeInitIsExplainedAndNothingElseIsCalled() throws Exception {
        requireLoader("aFailedZeInitIsExplainedAndNothingElseIsCalled");
        String out = runChild("failed-init", Map.of("ZE_ENABLE_ALT_DRIVERS", "/nonexistent/libze_no_such_driver.so.1"));
        assertTrue(out.contains("FAILED-INIT-OK"), out);
        assertTrue(out.contains("ZE_RESULT_ERROR_UNINITIALIZED"), out);
    }

    private static void requireLoader(String test) {
        try {
            LevelZero.load(); // opening the library runs no Level Zero code
        } catch (Exception e) {
            CProbe.skip("LevelZeroNullDriverTest." + test, "no Level Zero loader (Debian: libze1): " + e.getMessage());
        }
    }

    static Path nullDriver() {
        String env = System.getenv("FASTDRAFT_ZE_NULL_DRIVER");
        if (env != null && Files.isRegularFile(Path.of(env))) return Path.of(env).toAbsolutePath();
        for (String candidate : List.of("../target/ze-null/libze_null.so.1", "target/ze-null/libze_null.so.1")) {
            Path p = Path.of(candidate).toAbsolutePath().normalize();
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static String runChild(String mode, Map<String, String> env) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LevelZeroNullDriverRun.class.getName(), mode).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM (" + mode + ") timed out");
        }
        String out = new String(bytes, StandardCharsets.UTF_8);
        System.out.println("LevelZeroNullDriverTest " + mode + ":\n" + out.strip());
        assertEquals(0, p.exitValue(), "child JVM (" + mode + ") failed:\n" + out);
        return out;
    }
}
