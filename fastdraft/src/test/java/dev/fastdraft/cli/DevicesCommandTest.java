package dev.fastdraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.models.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code devices} lists the CPU on any machine and explains every backend that has no device. */
class DevicesCommandTest {
    private static String[] run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = Main.run(argv, new Console(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false));
        return new String[] {String.valueOf(rc), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void tableListsTheCpuAndReasons() {
        String[] r = run("devices");
        assertEquals("0", r[0], r[2]);
        System.out.print(r[1]);
        assertTrue(r[1].contains("cpu:0"), r[1]);
        assertTrue(r[1].contains("gaudi"), "Gaudi is always explained: " + r[1]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasDevicesAndReasons() {
        String[] r = run("devices", "--json");
        assertEquals("0", r[0], r[2]);
        Map<String, Object> json = Json.parseObject(r[1].trim());
        List<Object> devices = (List<Object>) json.get("devices");
        Map<String, Object> cpu = (Map<String, Object>) devices.get(0);
        assertEquals("cpu:0", cpu.get("id"));
        assertEquals("cpu", cpu.get("type"));
        Map<String, Object> unavailable = (Map<String, Object>) json.get("unavailable");
        assertTrue(unavailable.containsKey("gaudi"), r[1]);
        for (String backend : List.of("opencl", "levelzero")) {
            boolean listed = devices.stream().anyMatch(d -> backend.equals(((Map<String, Object>) d).get("backend")));
            assertTrue(listed != unavailable.containsKey(backend), backend + " must either list devices or say why not: " + r[1]);
        }
    }

    @Test
    void unknownOptionIsAOneLineError() {
        String[] r = run("devices", "--bogus");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: unknown option --bogus"), r[2]);
    }
}
