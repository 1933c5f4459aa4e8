package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.Downcalls.C_INT;
import static dev.fastdraft.engine.device.Downcalls.POINTER;
import static dev.fastdraft.engine.device.Downcalls.SIZE_T;

import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** cl.h, platform API: clGetPlatformIDs, clGetPlatformInfo. */
public final class ClPlatforms {
    private final MethodHandle clGetPlatformIDs;
    private final MethodHandle clGetPlatformInfo;

    ClPlatforms(NativeLibrary lib) throws NativeLibrary.Missing {
        // cl_int clGetPlatformIDs(cl_uint num_entries, cl_platform_id *platforms, cl_uint *num_platforms)
        clGetPlatformIDs = lib.function("clGetPlatformIDs", FunctionDescriptor.of(C_INT, C_INT, POINTER, POINTER));
        // cl_int clGetPlatformInfo(cl_platform_id, cl_platform_info, size_t, void *, size_t *)
        clGetPlatformInfo = lib.function("clGetPlatformInfo", FunctionDescriptor.of(C_INT, POINTER, C_INT, SIZE_T, POINTER, POINTER));
    }

    public int clGetPlatformIDs(int numEntries, MemorySegment platforms, MemorySegment numPlatforms) {
        try {
            return (int) clGetPlatformIDs.invokeExact(numEntries, platforms, numPlatforms);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clGetPlatformInfo(MemorySegment platform, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetPlatformInfo.invokeExact(platform, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
