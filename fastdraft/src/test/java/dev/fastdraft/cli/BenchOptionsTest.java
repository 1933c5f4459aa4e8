package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Bad bench options are refused up front, in one line naming the option, before anything big is allocated or timed. */
class BenchOptionsTest {
    private static void refused(String fragment, String... args) {
        CliRun r = cli(args);
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertEquals(1, r.err().trim().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void decodeSizesAreChecked() {
        refused("--steps must be in 1..", "bench", "decode", "--steps", "0");
        refused("--context must be in 1..", "bench", "decode", "--context", "-1");
        refused("--context must be in 1..", "bench", "decode", "--context", "2000000000");
        refused("--verify widths must be in 1..16", "bench", "decode", "--verify", "0");
        refused("--verify widths must be in 1..16", "bench", "decode", "--verify", "-3");
        refused("--verify widths must be in 1..16", "bench", "decode", "--verify", "4,100");
        refused("--verify is an empty list", "bench", "decode", "--verify", ",");
        refused("--hidden must be in 2..", "bench", "decode", "--hidden", "0");
        refused("--hidden must be in 2..", "bench", "decode", "--hidden", "1000000");
        refused("--hidden 100 must be --heads 32 times an even head size", "bench", "decode", "--hidden", "100");
        refused("--heads 6 must be a multiple of --kv-heads 4", "bench", "decode", "--heads", "6", "--kv-heads", "4", "--hidden", "96");
        refused("more than this machine's", "bench", "decode", "--hidden", "65536", "--heads", "64", "--kv-heads", "8");
    }

    @Test
    void trainSizesAreChecked() {
        refused("--steps must be in 1..", "bench", "train", "--steps", "0");
        refused("--hidden must be in 2..", "bench", "train", "--hidden", "1000000");
        refused("more than a Java array holds", "bench", "train", "--hidden", "65536", "--heads", "8", "--vocab", "65536");
        refused("--seq-len must be in 1..4096", "bench", "train", "--seq-len", "5000");
    }

    @Test
    void gemvSizesAreChecked() {
        refused("more than this machine's", "bench", "gemv", "--n", "1000000", "--k", "1000000");
        refused("--n must be in 1..", "bench", "gemv", "--n", "0");
        refused("--rounds must be in 1..", "bench", "gemv", "--rounds", "0");
        refused("--copies must be in 1..", "bench", "gemv", "--copies", "0");
    }

    @Test
    void threadsAreCapped() {
        int max = 4 * Runtime.getRuntime().availableProcessors();
        refused("--threads must be between 1 and " + Math.min(1024, max), "bench", "gemv", "--threads", "10000");
        refused("--threads must be between 1 and", "bench", "decode", "--threads", "0");
        refused("--threads must be between 1 and", "bench", "matmul", "--threads", "100000");
    }
}
