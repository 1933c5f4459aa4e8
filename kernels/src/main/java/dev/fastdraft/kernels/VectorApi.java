package dev.fastdraft.kernels;

/**
 * The kernels need the JDK's incubating Vector API, which a JVM resolves only when asked. Without it they fail
 * at their first use, deep in a computation, with a bare {@code NoClassDefFoundError}; entry points call
 * {@link #require} to say so up front.
 */
public final class VectorApi {
    static final String MODULE = "jdk.incubator.vector";

    private VectorApi() {}

    /** Throws an IllegalStateException saying how to enable the Vector API when this JVM runs without it. */
    public static void require() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            throw new IllegalStateException("FastDraft Engine needs the JDK's Vector API: start java with --add-modules " + MODULE
                    + " (on the module path, 'requires " + MODULE + ";' in your module-info does it)");
        }
    }
}
