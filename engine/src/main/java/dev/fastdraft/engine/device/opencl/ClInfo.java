package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.opencl.ClConstants.CL_SUCCESS;

import dev.fastdraft.engine.device.DeviceException;
import dev.fastdraft.engine.device.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Typed reads of clGetPlatformInfo / clGetDeviceInfo values, with their return codes checked. */
final class ClInfo {
    private final OpenCl cl;

    ClInfo(OpenCl cl) {
        this.cl = cl;
    }

    String platformString(MemorySegment platform, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            check(cl.platforms().clGetPlatformInfo(platform, param, 0, MemorySegment.NULL, size), "clGetPlatformInfo", param);
            long n = size.get(ValueLayout.JAVA_LONG, 0);
            if (n <= 0) return "";
            MemorySegment value = arena.allocate(n);
            check(cl.platforms().clGetPlatformInfo(platform, param, n, value, MemorySegment.NULL), "clGetPlatformInfo", param);
            return Downcalls.cString(value, 0, (int) n);
        }
    }

    String deviceString(MemorySegment device, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            check(cl.devices().clGetDeviceInfo(device, param, 0, MemorySegment.NULL, size), "clGetDeviceInfo", param);
            long n = size.get(ValueLayout.JAVA_LONG, 0);
            if (n <= 0) return "";
            MemorySegment value = arena.allocate(n);
            check(cl.devices().clGetDeviceInfo(device, param, n, value, MemorySegment.NULL), "clGetDeviceInfo", param);
            return Downcalls.cString(value, 0, (int) n);
        }
    }

    /** cl_ulong and size_t values. */
    long deviceLong(MemorySegment device, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            check(cl.devices().clGetDeviceInfo(device, param, 8, value, MemorySegment.NULL), "clGetDeviceInfo", param);
            return value.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** cl_uint and cl_bool values. */
    int deviceInt(MemorySegment device, int param) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            check(cl.devices().clGetDeviceInfo(device, param, 4, value, MemorySegment.NULL), "clGetDeviceInfo", param);
            return value.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private static void check(int rc, String call, int param) {
        if (rc != CL_SUCCESS) throw new DeviceException(call + "(0x" + Integer.toHexString(param) + ") failed: " + ClConstants.errorName(rc));
    }
}
