package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.Downcalls.C_INT;
import static dev.fastdraft.engine.device.Downcalls.POINTER;
import static dev.fastdraft.engine.device.Downcalls.SIZE_T;

import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** cl.h, kernel launch and event API. */
public final class ClExecution {
    private final MethodHandle clEnqueueNDRangeKernel;
    private final MethodHandle clWaitForEvents;
    private final MethodHandle clGetEventInfo;
    private final MethodHandle clReleaseEvent;

    ClExecution(NativeLibrary lib) throws NativeLibrary.Missing {
        // cl_int clEnqueueNDRangeKernel(queue, kernel, cl_uint work_dim, const size_t *global_offset,
        //     const size_t *global_size, const size_t *local_size, cl_uint num_events, const cl_event *, cl_event *)
        clEnqueueNDRangeKernel = lib.function("clEnqueueNDRangeKernel",
                FunctionDescriptor.of(C_INT, POINTER, POINTER, C_INT, POINTER, POINTER, POINTER, C_INT, POINTER, POINTER));
        // cl_int clWaitForEvents(cl_uint num_events, const cl_event *event_list)
        clWaitForEvents = lib.function("clWaitForEvents", FunctionDescriptor.of(C_INT, C_INT, POINTER));
        // cl_int clGetEventInfo(cl_event, cl_event_info, size_t, void *, size_t *)
        clGetEventInfo = lib.function("clGetEventInfo", FunctionDescriptor.of(C_INT, POINTER, C_INT, SIZE_T, POINTER, POINTER));
        clReleaseEvent = lib.function("clReleaseEvent", FunctionDescriptor.of(C_INT, POINTER));
    }

    public int clEnqueueNDRangeKernel(MemorySegment queue, MemorySegment kernel, int workDim, MemorySegment globalOffset,
                                      MemorySegment globalSize, MemorySegment localSize, int numEvents, MemorySegment waitList,
                                      MemorySegment event) {
        try {
            return (int) clEnqueueNDRangeKernel.invokeExact(queue, kernel, workDim, globalOffset, globalSize, localSize, numEvents, waitList, event);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clWaitForEvents(int numEvents, MemorySegment events) {
        try {
            return (int) clWaitForEvents.invokeExact(numEvents, events);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clGetEventInfo(MemorySegment event, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetEventInfo.invokeExact(event, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clReleaseEvent(MemorySegment event) {
        try {
            return (int) clReleaseEvent.invokeExact(event);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
