package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.models.io.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench decode} on a tiny model: the figures it reports are there, finite and consistent with each other. */
class BenchDecodeCommandTest {
    @Test
    void reportsDecodeRateBandwidthAndVerifyCosts() {
        CliRun r = cli("bench", "decode", "--hidden", "64", "--intermediate", "128", "--layers", "1", "--heads", "4", "--kv-heads", "2",
                "--vocab", "512", "--context", "8", "--steps", "5", "--verify", "2,4", "--json");
        assertEquals(0, r.rc(), r.err());
        Map<String, Object> o = Json.parseObject(r.out().trim());
        double tps = ((Number) o.get("decode_tokens_per_s")).doubleValue();
        double gbps = ((Number) o.get("decode_weight_gbps")).doubleValue();
        long bytes = ((Number) o.get("weight_bytes")).longValue();
        assertTrue(tps > 0 && Double.isFinite(tps), "tokens/s " + tps);
        assertEquals(bytes * tps / 1e9, gbps, 1e-9 * Math.max(1, gbps), "weight GB/s = bytes x tokens/s");
        double fraction = ((Number) o.get("fraction_of_bandwidth")).doubleValue();
        List<?> quartiles = (List<?>) o.get("fraction_of_bandwidth_quartiles");
        double lo = ((Number) quartiles.get(0)).doubleValue(), hi = ((Number) quartiles.get(1)).doubleValue();
        assertTrue(fraction > 0 && lo <= fraction && fraction <= hi, "fraction " + fraction + " quartiles " + quartiles);
        assertTrue(((Number) o.get("bandwidth_read_gbps")).doubleValue() > 0);
        Map<?, ?> verify = (Map<?, ?>) o.get("verify_cost_vs_one_step");
        assertEquals(List.of("2", "4"), List.copyOf(verify.keySet()));
        for (Object cost : verify.values()) assertTrue(((Number) cost).doubleValue() > 0, "verify cost " + cost);
    }

    @Test
    void unknownDtypeIsOneLineError() {
        CliRun r = cli("bench", "decode", "--dtype", "int3");
        assertNotEquals(0, r.rc());
        assertTrue(r.err().contains("--dtype") && r.err().trim().lines().count() == 1, r.err());
    }
}
