package dev.fastdraft.kernels.gemm;

import java.lang.foreign.MemorySegment;

/**
 * Packing buffers of one thread, grown on demand and then reused, so steady-state calls allocate
 * nothing. Held in a ThreadLocal: every thread that runs SGEMM work (callers and pool workers) has
 * its own, so concurrent calls through different pools never share a buffer.
 *
 * <p>{@code packedA} belongs to the thread that called {@code sgemm}: the tasks of that call fill
 * and read it, and nothing else touches it while the call runs. {@code packedB}, {@code stage} and
 * {@code tile} belong to the thread running a task.
 */
final class SgemmBuffers {
    private static final ThreadLocal<SgemmBuffers> PER_THREAD = ThreadLocal.withInitial(SgemmBuffers::new);

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private float[] stage = new float[0];
    private float[] rowsA = new float[0];
    private MemorySegment columnsB = MemorySegment.ofArray(new float[0]);
    final float[] tile = new float[SgemmMicroKernel.TILE_BUFFER];

    static SgemmBuffers ofThisThread() {
        return PER_THREAD.get();
    }

    float[] packedA(int size) {
        if (packedA.length < size) packedA = new float[size];
        return packedA;
    }

    float[] packedB(int size) {
        if (packedB.length < size) packedB = new float[size];
        return packedB;
    }

    /** One source line (a row of A or B as stored) on its way into a packed block. */
    float[] stage(int size) {
        if (stage.length < size) stage = new float[size];
        return stage;
    }

    /** Row-major copy of a block of op(A) for the unpacked small-problem path. */
    float[] rowsA(int size) {
        if (rowsA.length < size) rowsA = new float[size];
        return rowsA;
    }

    /** Columns of op(B) as contiguous lines for the small path's dot form; a segment so B itself can stand in. */
    MemorySegment columnsB(int size) {
        if (columnsB.byteSize() < (long) size * Float.BYTES) columnsB = MemorySegment.ofArray(new float[size]);
        return columnsB;
    }
}
