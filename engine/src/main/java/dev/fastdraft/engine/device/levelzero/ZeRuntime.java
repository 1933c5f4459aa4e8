package dev.fastdraft.engine.device.levelzero;

import static dev.fastdraft.engine.device.levelzero.ZeConstants.ZE_RESULT_SUCCESS;
import static dev.fastdraft.engine.device.levelzero.ZeConstants.resultName;

import dev.fastdraft.engine.device.NativeLibrary;

/**
 * The process-wide outcome of loading the Level Zero loader and calling zeInit once. It is global because
 * the loader's state is: zeInit initialises the process, and with loader 1.8.12 any Level Zero call after
 * a failed zeInit can crash the process, so after a failure nothing else is ever called.
 */
final class ZeRuntime {
    private ZeRuntime() {}

    /** Either {@code api} is usable, or {@code failure} says why not. */
    record State(LevelZero api, String failure) {}

    private static State state;

    static synchronized State get() {
        if (state == null) state = initialise();
        return state;
    }

    private static State initialise() {
        LevelZero api;
        try {
            api = LevelZero.load();
        } catch (NativeLibrary.Missing e) {
            return new State(null, "no Level Zero loader: " + e.getMessage() + "; install libze1, and a driver (Intel GPU: intel-level-zero-gpu; NPU: the linux-npu-driver)");
        }
        int rc = api.driver().zeInit(0);
        if (rc != ZE_RESULT_SUCCESS) {
            String alt = System.getenv("ZE_ENABLE_ALT_DRIVERS");
            return new State(null, "zeInit failed with " + resultName(rc) + ": the loader found no working driver ("
                    + (alt != null ? "ZE_ENABLE_ALT_DRIVERS=" + alt : "libze_intel_gpu.so.1 / libze_intel_vpu.so.1 missing, or no device")
                    + "); no further Level Zero call is made in this process");
        }
        return new State(api, null);
    }
}
