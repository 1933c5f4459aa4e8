package dev.fastdraft.engine.device.levelzero;

import static dev.fastdraft.engine.device.Downcalls.C_INT;
import static dev.fastdraft.engine.device.Downcalls.C_LONG;
import static dev.fastdraft.engine.device.Downcalls.POINTER;
import static dev.fastdraft.engine.device.Downcalls.SIZE_T;

import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** ze_api.h, memory area: unified shared memory allocations. */
@SuppressWarnings("unused")
public final class ZeMemoryApi {
    private final MethodHandle zeMemAllocShared;
    private final MethodHandle zeMemAllocDevice;
    private final MethodHandle zeMemFree;

    ZeMemoryApi(NativeLibrary lib) throws NativeLibrary.Missing {
        // zeMemAllocShared(ze_context_handle_t, const ze_device_mem_alloc_desc_t *, const ze_host_mem_alloc_desc_t *,
        //                  size_t size, size_t alignment, ze_device_handle_t, void **pptr)
        zeMemAllocShared = lib.function("zeMemAllocShared", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, SIZE_T, SIZE_T, POINTER, POINTER));
        // zeMemAllocDevice(ze_context_handle_t, const ze_device_mem_alloc_desc_t *, size_t size, size_t alignment,
        //                  ze_device_handle_t, void **pptr)
        zeMemAllocDevice = lib.function("zeMemAllocDevice", FunctionDescriptor.of(C_INT, POINTER, POINTER, SIZE_T, SIZE_T, POINTER, POINTER));
        // zeMemFree(ze_context_handle_t, void *ptr)
        zeMemFree = lib.function("zeMemFree", FunctionDescriptor.of(C_INT, POINTER, POINTER));
    }

    public int zeMemAllocShared(MemorySegment context, MemorySegment deviceDesc, MemorySegment hostDesc, long size, long alignment,
                                MemorySegment device, MemorySegment pptr) {
        try {
            return (int) zeMemAllocShared.invokeExact(context, deviceDesc, hostDesc, size, alignment, device, pptr);
        } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeMemAllocDevice(MemorySegment context, MemorySegment deviceDesc, long size, long alignment, MemorySegment device, MemorySegment pptr) {
        try { return (int) zeMemAllocDevice.invokeExact(context, deviceDesc, size, alignment, device, pptr); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeMemFree(MemorySegment context, MemorySegment ptr) {
        try { return (int) zeMemFree.invokeExact(context, ptr); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }
}
