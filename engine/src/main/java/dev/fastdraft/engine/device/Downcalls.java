package dev.fastdraft.engine.device;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Shared pieces of the hand-written native bindings: C type layouts and rethrowing from invokeExact. */
public final class Downcalls {
    private Downcalls() {}

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    /** size_t on the 64-bit platforms we support (the loaders are 64-bit only here). */
    public static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout POINTER = ValueLayout.ADDRESS;

    /** invokeExact declares Throwable; a downcall itself throws nothing checked, so wrap what can come. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("native call failed", t);
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes (drivers' fixed char arrays need not end in NUL). */
    public static String cString(MemorySegment seg, long offset, int max) {
        int len = 0;
        while (len < max && seg.get(ValueLayout.JAVA_BYTE, offset + len) != 0) len++;
        byte[] bytes = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset, bytes, 0, len);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
