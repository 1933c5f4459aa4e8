package dev.fastdraft.engine.device.opencl;

import dev.fastdraft.engine.device.NativeLibrary;

/** The OpenCL ICD loader's API, by header area. {@link #load()} fails with a reason, never with an Error. */
public record OpenCl(String library, ClPlatforms platforms, ClDevices devices, ClContexts contexts,
                     ClMemory memory, ClPrograms programs, ClExecution execution) {
    /** Sonames of the Khronos/ocl-icd loader; the unversioned name only exists where a -dev package is installed. */
    public static final String[] LIBRARY_NAMES = {"libOpenCL.so.1", "libOpenCL.so"};

    public static OpenCl load() throws NativeLibrary.Missing {
        NativeLibrary lib = NativeLibrary.open(LIBRARY_NAMES);
        return new OpenCl(lib.name(), new ClPlatforms(lib), new ClDevices(lib), new ClContexts(lib),
                new ClMemory(lib), new ClPrograms(lib), new ClExecution(lib));
    }
}
