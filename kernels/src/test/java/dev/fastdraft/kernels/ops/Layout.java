package dev.fastdraft.kernels.ops;

import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A strided row layout in a test buffer: rows of n floats, row stride ld, first element at off. */
record Layout(int rows, int n, int ld, long off) {
    /** Filler for the gaps between rows of outputs: a kernel that writes outside its rows changes it. */
    static final float SENTINEL = -12345.5f;
    /** Three threads even on two cores, so the parallel paths run in every test environment. */
    static final WorkerPool POOL = new WorkerPool(3);

    /** Elements the buffer holds: the rows plus a little slack after the last one. */
    long size() {
        return off + (long) Math.max(0, rows - 1) * ld + n + 3;
    }

    long at(int r, int i) {
        return off + (long) r * ld + i;
    }

    @Override
    public String toString() {
        return "[" + rows + " x " + n + ", ld " + ld + ", off " + off + "]";
    }

    /** n = 1, 3, 17, 4097; one and several rows; contiguous and strided; zero and nonzero offsets; plus a parallel-sized one. */
    static List<Layout> awkward() {
        List<Layout> l = new ArrayList<>();
        for (int n : new int[] {1, 3, 17, 4097}) {
            for (int rows : new int[] {1, 3}) {
                l.add(new Layout(rows, n, n, 0));
                l.add(new Layout(rows, n, n + 5, 7));
            }
        }
        l.add(new Layout(70, 1000, 1003, 2));
        l.add(new Layout(9, 64, 64, 0));
        return l;
    }

    MemorySegment random(Random rnd, float lo, float hi) {
        float[] a = new float[(int) size()];
        for (int i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * rnd.nextFloat();
        return MemorySegment.ofArray(a);
    }

    MemorySegment sentinel() {
        float[] a = new float[(int) size()];
        java.util.Arrays.fill(a, SENTINEL);
        return MemorySegment.ofArray(a);
    }

    static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT));
    }

    boolean inRow(long idx) {
        if (idx < off) return false;
        long rel = idx - off;
        long r = rel / ld, c = rel % ld;
        if (rows == 1) return rel < n;
        return r < rows && c < n;
    }
}
