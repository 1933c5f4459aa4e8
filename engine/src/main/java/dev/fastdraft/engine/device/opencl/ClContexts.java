package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.Downcalls.C_INT;
import static dev.fastdraft.engine.device.Downcalls.C_LONG;
import static dev.fastdraft.engine.device.Downcalls.POINTER;

import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** cl.h, context and command-queue API. */
public final class ClContexts {
    private final MethodHandle clCreateContext;
    private final MethodHandle clReleaseContext;
    private final MethodHandle clCreateCommandQueue;
    private final MethodHandle clReleaseCommandQueue;
    private final MethodHandle clFinish;

    ClContexts(NativeLibrary lib) throws NativeLibrary.Missing {
        // cl_context clCreateContext(const cl_context_properties *, cl_uint num_devices, const cl_device_id *,
        //                            void (*pfn_notify)(...), void *user_data, cl_int *errcode_ret)
        clCreateContext = lib.function("clCreateContext", FunctionDescriptor.of(POINTER, POINTER, C_INT, POINTER, POINTER, POINTER, POINTER));
        clReleaseContext = lib.function("clReleaseContext", FunctionDescriptor.of(C_INT, POINTER));
        // cl_command_queue clCreateCommandQueue(cl_context, cl_device_id, cl_command_queue_properties, cl_int *)
        // (deprecated in 2.0 but exported by every ICD loader, and the only one a 1.2 driver has)
        clCreateCommandQueue = lib.function("clCreateCommandQueue", FunctionDescriptor.of(POINTER, POINTER, POINTER, C_LONG, POINTER));
        clReleaseCommandQueue = lib.function("clReleaseCommandQueue", FunctionDescriptor.of(C_INT, POINTER));
        clFinish = lib.function("clFinish", FunctionDescriptor.of(C_INT, POINTER));
    }

    public MemorySegment clCreateContext(MemorySegment properties, int numDevices, MemorySegment devices,
                                         MemorySegment notify, MemorySegment userData, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateContext.invokeExact(properties, numDevices, devices, notify, userData, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clReleaseContext(MemorySegment context) {
        try {
            return (int) clReleaseContext.invokeExact(context);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public MemorySegment clCreateCommandQueue(MemorySegment context, MemorySegment device, long properties, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateCommandQueue.invokeExact(context, device, properties, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clReleaseCommandQueue(MemorySegment queue) {
        try {
            return (int) clReleaseCommandQueue.invokeExact(queue);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clFinish(MemorySegment queue) {
        try {
            return (int) clFinish.invokeExact(queue);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
