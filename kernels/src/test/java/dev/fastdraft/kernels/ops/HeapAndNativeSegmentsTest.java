package dev.fastdraft.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kernels that take plain array loops for heap segments ({@link Simd#floats}) and vector segment accesses
 * otherwise: both paths, and mixtures of the two, must write the same bits. The other tests of these kernels
 * use heap segments only.
 */
class HeapAndNativeSegmentsTest {
    private static final Arena ARENA = Arena.ofAuto();

    @Test
    void floatsResolvesOnlyAlignedHeapFloatSegments() {
        float[] a = new float[8];
        assertEquals(a, Simd.floats(MemorySegment.ofArray(a)));
        assertEquals(3, Simd.index(MemorySegment.ofArray(a).asSlice(8), 1));
        assertNull(Simd.floats(MemorySegment.ofArray(a).asSlice(2)), "a start between two floats");
        assertNull(Simd.floats(MemorySegment.ofArray(a).asReadOnly()), "a read-only view hides its array");
        assertNull(Simd.floats(MemorySegment.ofArray(new byte[32])));
        assertNull(Simd.floats(ARENA.allocate(32)));
        assertNotNull(Simd.floats(MemorySegment.ofArray(a).asSlice(4, 8)));
    }

    @Test
    void swigluSiluAndRmsNormWriteTheSameBitsForEveryKindOfSegment() {
        for (Layout l : Layout.awkward()) {
            Random rnd = new Random(l.size());
            MemorySegment x = l.random(rnd, -6, 6), up = l.random(rnd, -2, 2), w = l.random(rnd, 0.5f, 1.5f);
            for (int kinds = 0; kinds < 8; kinds++) {
                // bit 0: inputs off-heap; bit 1: output off-heap; bit 2: output a heap view of a byte[]
                MemorySegment xs = (kinds & 1) != 0 ? offHeap(x) : x, us = (kinds & 1) != 0 ? offHeap(up) : up;
                MemorySegment ws = (kinds & 1) != 0 ? offHeap(w) : w;
                check(l, "swiglu " + kinds, kinds, heap -> Activations.swiglu(Layout.POOL, l.rows(), l.n(),
                        x, l.off(), l.ld(), up, l.off(), l.ld(), heap, l.off(), l.ld()),
                        out -> Activations.swiglu(Layout.POOL, l.rows(), l.n(), xs, l.off(), l.ld(), us, l.off(), l.ld(), out, l.off(), l.ld()));
                check(l, "silu " + kinds, kinds, heap -> Activations.silu(Layout.POOL, l.rows(), l.n(), x, l.off(), l.ld(), heap, l.off(), l.ld()),
                        out -> Activations.silu(Layout.POOL, l.rows(), l.n(), xs, l.off(), l.ld(), out, l.off(), l.ld()));
                check(l, "rmsNorm " + kinds, kinds, heap -> RmsNorm.forward(Layout.POOL, l.rows(), l.n(), x, l.off(), l.ld(), w, l.off(), 1e-5f,
                                heap, l.off(), l.ld(), null, 0),
                        out -> RmsNorm.forward(Layout.POOL, l.rows(), l.n(), xs, l.off(), l.ld(), ws, l.off(), 1e-5f, out, l.off(), l.ld(), null, 0));
            }
        }
    }

    private interface Op {
        void run(MemorySegment out);
    }

    /** The all-heap result against the same op writing into an output of the kind that {@code kinds} names. */
    private static void check(Layout l, String what, int kinds, Op allHeap, Op mixed) {
        MemorySegment want = l.sentinel();
        allHeap.run(want);
        MemorySegment out = (kinds & 2) != 0 ? offHeap(l.sentinel())
                : (kinds & 4) != 0 ? MemorySegment.ofArray(new byte[(int) l.size() * Float.BYTES]).copyFrom(l.sentinel()) : l.sentinel();
        mixed.run(out);
        for (long i = 0; i < l.size(); i++) {
            float a = want.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), b = out.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            assertEquals(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b), what + " " + l + " at " + i + ": " + a + " vs " + b);
        }
    }

    private static MemorySegment offHeap(MemorySegment s) {
        return ARENA.allocate(s.byteSize(), 64).copyFrom(s);
    }
}
