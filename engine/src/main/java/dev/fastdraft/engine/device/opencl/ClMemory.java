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

/** cl.h, memory-object API: buffers, reads, writes, maps. */
public final class ClMemory {
    private final MethodHandle clCreateBuffer;
    private final MethodHandle clReleaseMemObject;
    private final MethodHandle clEnqueueReadBuffer;
    private final MethodHandle clEnqueueWriteBuffer;
    private final MethodHandle clEnqueueMapBuffer;
    private final MethodHandle clEnqueueUnmapMemObject;

    ClMemory(NativeLibrary lib) throws NativeLibrary.Missing {
        // cl_mem clCreateBuffer(cl_context, cl_mem_flags, size_t, void *host_ptr, cl_int *errcode_ret)
        clCreateBuffer = lib.function("clCreateBuffer", FunctionDescriptor.of(POINTER, POINTER, C_LONG, SIZE_T, POINTER, POINTER));
        clReleaseMemObject = lib.function("clReleaseMemObject", FunctionDescriptor.of(C_INT, POINTER));
        // cl_int clEnqueueReadBuffer(queue, mem, cl_bool blocking, size_t offset, size_t size, void *ptr,
        //                            cl_uint num_events, const cl_event *wait_list, cl_event *event)
        FunctionDescriptor rw = FunctionDescriptor.of(C_INT, POINTER, POINTER, C_INT, SIZE_T, SIZE_T, POINTER, C_INT, POINTER, POINTER);
        clEnqueueReadBuffer = lib.function("clEnqueueReadBuffer", rw);
        clEnqueueWriteBuffer = lib.function("clEnqueueWriteBuffer", rw);
        // void *clEnqueueMapBuffer(queue, mem, cl_bool blocking, cl_map_flags, size_t offset, size_t size,
        //                          cl_uint num_events, const cl_event *, cl_event *, cl_int *errcode_ret)
        clEnqueueMapBuffer = lib.function("clEnqueueMapBuffer",
                FunctionDescriptor.of(POINTER, POINTER, POINTER, C_INT, C_LONG, SIZE_T, SIZE_T, C_INT, POINTER, POINTER, POINTER));
        // cl_int clEnqueueUnmapMemObject(queue, mem, void *mapped, cl_uint num_events, const cl_event *, cl_event *)
        clEnqueueUnmapMemObject = lib.function("clEnqueueUnmapMemObject",
                FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, C_INT, POINTER, POINTER));
    }

    public MemorySegment clCreateBuffer(MemorySegment context, long flags, long size, MemorySegment hostPtr, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateBuffer.invokeExact(context, flags, size, hostPtr, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clReleaseMemObject(MemorySegment mem) {
        try {
            return (int) clReleaseMemObject.invokeExact(mem);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clEnqueueReadBuffer(MemorySegment queue, MemorySegment mem, int blocking, long offset, long size, MemorySegment ptr,
                                   int numEvents, MemorySegment waitList, MemorySegment event) {
        try {
            return (int) clEnqueueReadBuffer.invokeExact(queue, mem, blocking, offset, size, ptr, numEvents, waitList, event);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clEnqueueWriteBuffer(MemorySegment queue, MemorySegment mem, int blocking, long offset, long size, MemorySegment ptr,
                                    int numEvents, MemorySegment waitList, MemorySegment event) {
        try {
            return (int) clEnqueueWriteBuffer.invokeExact(queue, mem, blocking, offset, size, ptr, numEvents, waitList, event);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public MemorySegment clEnqueueMapBuffer(MemorySegment queue, MemorySegment mem, int blocking, long flags, long offset, long size,
                                            int numEvents, MemorySegment waitList, MemorySegment event, MemorySegment errcode) {
        try {
            return (MemorySegment) clEnqueueMapBuffer.invokeExact(queue, mem, blocking, flags, offset, size, numEvents, waitList, event, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clEnqueueUnmapMemObject(MemorySegment queue, MemorySegment mem, MemorySegment mapped,
                                       int numEvents, MemorySegment waitList, MemorySegment event) {
        try {
            return (int) clEnqueueUnmapMemObject.invokeExact(queue, mem, mapped, numEvents, waitList, event);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
