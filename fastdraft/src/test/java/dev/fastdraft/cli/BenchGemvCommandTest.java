package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.models.io.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench gemv} in both weight layouts on a small matrix (with its in-cache figures), and its refusal of a layout the type lacks. */
class BenchGemvCommandTest {
    private static Map<String, Object> run(String... layout) {
        String[] base = {"bench", "gemv", "--rows", "3", "--n", "70", "--k", "96", "--rounds", "1", "--millis", "5", "--warmup", "0", "--copies", "1", "--json"};
        String[] args = new String[base.length + layout.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(layout, 0, args, base.length, layout.length);
        CliRun r = cli(args);
        assertEquals(0, r.rc(), r.err());
        return Json.parseObject(r.out().trim());
    }

    @Test
    void bf16RunsInPanelsByDefaultAndInRowsOnRequest() {
        Map<String, Object> panels = run();
        assertEquals("panels", panels.get("layout"));
        Map<String, Object> rows = run("--layout", "rows");
        assertEquals("rows", rows.get("layout"));
        for (Map<String, Object> o : new Map[] {panels, rows}) {
            double ms = ((Number) o.get("gemv_ms")).doubleValue(), gflops = ((Number) o.get("gflops")).doubleValue();
            assertTrue(ms > 0 && Double.isFinite(ms), "ms " + ms);
            assertEquals(2.0 * 3 * 70 * 96 / (ms * 1e6), gflops, 1e-6 * gflops, "GFLOP/s = 2 rows n k / time");
            // a matrix this small is its own cached slice
            assertEquals(70, ((Number) o.get("in_cache_outputs")).intValue());
            double cachedMs = ((Number) o.get("in_cache_ms")).doubleValue(), cachedGflops = ((Number) o.get("in_cache_gflops")).doubleValue();
            assertTrue(cachedMs > 0 && Double.isFinite(cachedMs), "in-cache ms " + cachedMs);
            assertEquals(2.0 * 3 * 70 * 96 / (cachedMs * 1e6), cachedGflops, 1e-6 * cachedGflops, "in-cache GFLOP/s");
            assertTrue(((Number) o.get("in_cache_cost_vs_one_row")).doubleValue() > 0);
        }
    }

    @Test
    void panelsOfAnotherTypeAreAOneLineError() {
        CliRun r = cli("bench", "gemv", "--dtype", "f32", "--layout", "panels");
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("--layout panels needs --dtype bf16 or f16") && r.err().trim().lines().count() == 1, r.err());
        Map<String, Object> f16 = run("--dtype", "f16");
        assertEquals("f16", f16.get("dtype"));
        assertEquals("panels", f16.get("layout"));
    }
}
