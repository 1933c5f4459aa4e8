package dev.fastdraft.kernels.gemm;

import java.lang.foreign.MemorySegment;

/** Whether a segment may be read by threads other than the caller (not confined to one thread). */
final class SegmentAccess {
    /** A thread that owns no arena: a segment it may access is accessible from any thread. */
    private static final Thread STRANGER = Thread.ofVirtual().unstarted(() -> {});

    private SegmentAccess() {}

    static boolean shareable(MemorySegment seg) {
        return seg.isAccessibleBy(STRANGER);
    }
}
