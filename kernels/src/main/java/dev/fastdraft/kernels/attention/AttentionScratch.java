package dev.fastdraft.kernels.attention;

/**
 * Per-thread working arrays, grown on demand and then reused, so steady-state calls (decode: one
 * per token per layer) allocate nothing. Worker threads live as long as their pool, so their
 * scratch is allocated once.
 */
final class AttentionScratch {
    private static final ThreadLocal<AttentionScratch> LOCAL = ThreadLocal.withInitial(AttentionScratch::new);

    // task-local arrays
    float[] q = new float[0], s = new float[0], s2 = new float[0], rowMax = new float[0], rowSum = new float[0];
    float[] acc = new float[0], acc2 = new float[0], row1 = new float[0], row2 = new float[0];
    // arrays shared by the tasks of one call, owned by the calling thread
    float[] partMax = new float[0], partSum = new float[0], partAcc = new float[0], delta = new float[0];
    final ForwardJob forward = new ForwardJob();
    final BackwardJob backward = new BackwardJob();

    static AttentionScratch local() {
        return LOCAL.get();
    }

    static float[] fit(float[] a, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("attention: scratch of " + n + " floats is too large");
        return a.length >= n ? a : new float[(int) Math.max(n, a.length + (a.length >> 1))];
    }
}
