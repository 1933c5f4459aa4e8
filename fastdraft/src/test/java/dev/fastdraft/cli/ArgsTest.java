package dev.fastdraft.cli;

import static dev.fastdraft.cli.CliRun.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed getters of {@link Args}: exact whole numbers, and no empty lists. */
class ArgsTest {
    private static Args args(String name, String value) {
        return Args.parse("t", List.of(Option.value(name, "X", "")), new String[] {name, value});
    }

    @Test
    void longValuesAreExactWholeNumbers() {
        assertEquals(1500, args("--n", "1.5k").longValue("--n", 0));
        assertEquals(25_000_000, args("--n", "2.5e7").longValue("--n", 0));
        assertEquals(Long.MAX_VALUE, args("--n", "9223372036854775807").longValue("--n", 0), "no rounding through a double");
        assertEquals(-7, args("--n", "-7").longValue("--n", 0));
        for (String bad : new String[] {"1.5", "99999999999999999999999", "NaN", "Infinity", "0x10", "abc"}) {
            UserError e = assertThrows(UserError.class, () -> args("--seed", bad).longValue("--seed", 0), bad);
            assertTrue(e.getMessage().startsWith("--seed must be an integer from -9223372036854775808 to 9223372036854775807"), e.getMessage());
        }
    }

    @Test
    void emptyListsAreRefused() {
        assertArrayEquals(new int[] {1, 2}, args("--k", "1,2").intList("--k"));
        UserError e = assertThrows(UserError.class, () -> args("--k", ",").intList("--k"));
        assertTrue(e.getMessage().startsWith("--k is an empty list"), e.getMessage());
    }

    @Test
    void commandsRefuseBadSeedsAndEmptyDraftLengths() {
        CliRun r = cli("generate", "--model", "/nonexistent", "--ids", "1", "--seed", "1.5");
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("--seed must be an integer"), r.err());
        r = cli("eval", "--draft-tokens", ",");
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("--draft-tokens is an empty list"), r.err());
    }
}
