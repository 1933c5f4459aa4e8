package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.Downcalls.C_INT;
import static dev.fastdraft.engine.device.Downcalls.C_LONG;
import static dev.fastdraft.engine.device.Downcalls.POINTER;
import static dev.fastdraft.engine.device.Downcalls.SIZE_T;

import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** cl.h, device API: clGetDeviceIDs, clGetDeviceInfo. */
public final class ClDevices {
    private final MethodHandle clGetDeviceIDs;
    private final MethodHandle clGetDeviceInfo;

    ClDevices(NativeLibrary lib) throws NativeLibrary.Missing {
        // cl_int clGetDeviceIDs(cl_platform_id, cl_device_type, cl_uint num_entries, cl_device_id *, cl_uint *num_devices)
        clGetDeviceIDs = lib.function("clGetDeviceIDs", FunctionDescriptor.of(C_INT, POINTER, C_LONG, C_INT, POINTER, POINTER));
        // cl_int clGetDeviceInfo(cl_device_id, cl_device_info, size_t, void *, size_t *)
        clGetDeviceInfo = lib.function("clGetDeviceInfo", FunctionDescriptor.of(C_INT, POINTER, C_INT, SIZE_T, POINTER, POINTER));
    }

    public int clGetDeviceIDs(MemorySegment platform, long deviceType, int numEntries, MemorySegment devices, MemorySegment numDevices) {
        try {
            return (int) clGetDeviceIDs.invokeExact(platform, deviceType, numEntries, devices, numDevices);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clGetDeviceInfo(MemorySegment device, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetDeviceInfo.invokeExact(device, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
