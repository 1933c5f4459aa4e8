package dev.fastdraft.kernels.ops;

import dev.fastdraft.kernels.Lanes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shape every kernel uses, and scalar element access on float segments.
 *
 * <p>Hot loops call {@code FloatVector.fromMemorySegment} and {@code intoMemorySegment} directly
 * (byte offset = element offset * 4) rather than through helpers like {@link #load}: the JDK's
 * methods are force-inlined, ours are not, and once a big loop has used up C2's inlining budget
 * a helper call that takes or returns a vector is left as a call and the vector is boxed on the
 * heap (measured: 64 bytes per iteration and a 3x slower loop). The helpers remain for cold code.
 */
public final class Simd {
    /** The widest shape this CPU runs natively; never hard-code 512 bits. */
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    public static final int L = S.length();
    /** Scalar access that tolerates segments over byte[] (whose alignment is 1). */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    public static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private Simd() {}

    /**
     * The float[] behind a heap segment, or null (off-heap or mapped memory, a read-only view, another array
     * type, a start between two floats). Kernels that are handed both kinds take plain array loops for heap
     * segments: C2 intrinsifies a vector load or store on a MemorySegment only where every segment it has seen
     * was of one kind, and otherwise runs it lane by lane (13% of the busy time of the demo's speculative decoding,
     * kernels/README.md).
     */
    public static float[] floats(MemorySegment seg) {
        return seg.heapBase().orElse(null) instanceof float[] a && (seg.address() & 3) == 0 ? a : null;
    }

    /** Where element {@code elem} of a segment that {@link #floats} resolved lies in its array. */
    public static int index(MemorySegment seg, long elem) {
        return Math.toIntExact(seg.address() / Float.BYTES + elem);
    }

    public static FloatVector load(MemorySegment seg, long elem) {
        return FloatVector.fromMemorySegment(S, seg, elem * Float.BYTES, NATIVE);
    }

    /** Lanes outside {@code m} read as 0 and are never touched, so a tail may end at the segment end. */
    public static FloatVector load(MemorySegment seg, long elem, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(S, seg, elem * Float.BYTES, NATIVE, m);
    }

    public static void store(FloatVector v, MemorySegment seg, long elem) {
        v.intoMemorySegment(seg, elem * Float.BYTES, NATIVE);
    }

    public static void store(FloatVector v, MemorySegment seg, long elem, VectorMask<Float> m) {
        v.intoMemorySegment(seg, elem * Float.BYTES, NATIVE, m);
    }

    /** Mask of the lanes i..min(i+L, end)-1. */
    public static VectorMask<Float> tail(int i, int end) {
        return S.indexInRange(i, end);
    }

    public static float get(MemorySegment seg, long elem) {
        return seg.getAtIndex(F32, elem);
    }

    public static void set(MemorySegment seg, long elem, float v) {
        seg.setAtIndex(F32, elem, v);
    }

    public static float sumLanes(FloatVector v) {
        return Lanes.sum(v);
    }
}
