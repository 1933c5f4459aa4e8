package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;

/** Element-wise comparisons with |actual - expected| <= atol + rtol * |expected|, naming the first offender. */
final class Approx {
    private Approx() {}

    static void rows(String what, Layout l, MemorySegment expected, MemorySegment actual, double atol, double rtol) {
        for (int r = 0; r < l.rows(); r++) {
            for (int i = 0; i < l.n(); i++) {
                long k = l.at(r, i);
                check(what + " " + l + " at (" + r + ", " + i + ")", Simd.get(expected, k), Simd.get(actual, k), atol, rtol);
            }
        }
    }

    static void check(String where, double expected, double actual, double atol, double rtol) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            if (Double.isNaN(expected) != Double.isNaN(actual)) fail(where + ": expected " + expected + " but was " + actual);
            return;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            assertEquals(expected, actual, where);
            return;
        }
        double err = Math.abs(actual - expected);
        if (err > atol + rtol * Math.abs(expected)) {
            fail(where + ": expected " + expected + " but was " + actual + " (error " + err + " > " + atol + " + " + rtol + " * |expected|)");
        }
    }

    /** Outputs must leave every element outside their rows as the sentinel it was filled with. */
    static void gapsUntouched(String what, Layout l, MemorySegment out) {
        long size = out.byteSize() / Float.BYTES;
        for (long k = 0; k < size; k++) {
            if (!l.inRow(k) && Simd.get(out, k) != Layout.SENTINEL) fail(what + " " + l + " wrote outside its rows at element " + k);
        }
    }

    static void bitwise(String what, Layout l, MemorySegment expected, MemorySegment actual) {
        for (int r = 0; r < l.rows(); r++) {
            for (int i = 0; i < l.n(); i++) {
                long k = l.at(r, i);
                float e = Simd.get(expected, k), a = Simd.get(actual, k);
                if (Float.floatToIntBits(e) != Float.floatToIntBits(a)) {
                    fail(what + " " + l + " at (" + r + ", " + i + "): expected " + e + " but was " + a);
                }
            }
        }
    }
}
