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

/** ze_api.h, context, command-queue and command-list areas. */
@SuppressWarnings("unused")
public final class ZeContextApi {
    private final MethodHandle zeContextCreate;
    private final MethodHandle zeContextDestroy;
    private final MethodHandle zeCommandQueueCreate;
    private final MethodHandle zeCommandQueueDestroy;
    private final MethodHandle zeCommandQueueExecuteCommandLists;
    private final MethodHandle zeCommandQueueSynchronize;
    private final MethodHandle zeCommandListCreate;
    private final MethodHandle zeCommandListDestroy;
    private final MethodHandle zeCommandListClose;
    private final MethodHandle zeCommandListReset;
    private final MethodHandle zeCommandListAppendLaunchKernel;
    private final MethodHandle zeCommandListAppendBarrier;
    private final MethodHandle zeCommandListAppendMemoryCopy;

    ZeContextApi(NativeLibrary lib) throws NativeLibrary.Missing {
        // zeContextCreate(ze_driver_handle_t, const ze_context_desc_t *, ze_context_handle_t *phContext)
        zeContextCreate = lib.function("zeContextCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        zeContextDestroy = lib.function("zeContextDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeCommandQueueCreate(ze_context_handle_t, ze_device_handle_t, const ze_command_queue_desc_t *, ze_command_queue_handle_t *)
        zeCommandQueueCreate = lib.function("zeCommandQueueCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, POINTER));
        zeCommandQueueDestroy = lib.function("zeCommandQueueDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeCommandQueueExecuteCommandLists(queue, uint32_t numCommandLists, ze_command_list_handle_t *, ze_fence_handle_t)
        zeCommandQueueExecuteCommandLists = lib.function("zeCommandQueueExecuteCommandLists",
                FunctionDescriptor.of(C_INT, POINTER, C_INT, POINTER, POINTER));
        // zeCommandQueueSynchronize(queue, uint64_t timeout)
        zeCommandQueueSynchronize = lib.function("zeCommandQueueSynchronize", FunctionDescriptor.of(C_INT, POINTER, C_LONG));
        // zeCommandListCreate(ze_context_handle_t, ze_device_handle_t, const ze_command_list_desc_t *, ze_command_list_handle_t *)
        zeCommandListCreate = lib.function("zeCommandListCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, POINTER));
        zeCommandListDestroy = lib.function("zeCommandListDestroy", FunctionDescriptor.of(C_INT, POINTER));
        zeCommandListClose = lib.function("zeCommandListClose", FunctionDescriptor.of(C_INT, POINTER));
        zeCommandListReset = lib.function("zeCommandListReset", FunctionDescriptor.of(C_INT, POINTER));
        // zeCommandListAppendLaunchKernel(list, kernel, const ze_group_count_t *, ze_event_handle_t hSignalEvent,
        //                                 uint32_t numWaitEvents, ze_event_handle_t *phWaitEvents)
        zeCommandListAppendLaunchKernel = lib.function("zeCommandListAppendLaunchKernel",
                FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, POINTER, C_INT, POINTER));
        // zeCommandListAppendBarrier(list, ze_event_handle_t hSignalEvent, uint32_t numWaitEvents, ze_event_handle_t *)
        zeCommandListAppendBarrier = lib.function("zeCommandListAppendBarrier", FunctionDescriptor.of(C_INT, POINTER, POINTER, C_INT, POINTER));
        // zeCommandListAppendMemoryCopy(list, void *dst, const void *src, size_t size, ze_event_handle_t, uint32_t, ze_event_handle_t *)
        zeCommandListAppendMemoryCopy = lib.function("zeCommandListAppendMemoryCopy",
                FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, SIZE_T, POINTER, C_INT, POINTER));
    }

    public int zeContextCreate(MemorySegment driver, MemorySegment desc, MemorySegment phContext) {
        try { return (int) zeContextCreate.invokeExact(driver, desc, phContext); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeContextDestroy(MemorySegment context) {
        try { return (int) zeContextDestroy.invokeExact(context); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandQueueCreate(MemorySegment context, MemorySegment device, MemorySegment desc, MemorySegment phQueue) {
        try { return (int) zeCommandQueueCreate.invokeExact(context, device, desc, phQueue); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandQueueDestroy(MemorySegment queue) {
        try { return (int) zeCommandQueueDestroy.invokeExact(queue); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandQueueExecuteCommandLists(MemorySegment queue, int count, MemorySegment lists, MemorySegment fence) {
        try { return (int) zeCommandQueueExecuteCommandLists.invokeExact(queue, count, lists, fence); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandQueueSynchronize(MemorySegment queue, long timeout) {
        try { return (int) zeCommandQueueSynchronize.invokeExact(queue, timeout); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListCreate(MemorySegment context, MemorySegment device, MemorySegment desc, MemorySegment phList) {
        try { return (int) zeCommandListCreate.invokeExact(context, device, desc, phList); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListDestroy(MemorySegment list) {
        try { return (int) zeCommandListDestroy.invokeExact(list); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListClose(MemorySegment list) {
        try { return (int) zeCommandListClose.invokeExact(list); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListReset(MemorySegment list) {
        try { return (int) zeCommandListReset.invokeExact(list); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListAppendLaunchKernel(MemorySegment list, MemorySegment kernel, MemorySegment groupCount,
                                               MemorySegment signalEvent, int numWaitEvents, MemorySegment waitEvents) {
        try {
            return (int) zeCommandListAppendLaunchKernel.invokeExact(list, kernel, groupCount, signalEvent, numWaitEvents, waitEvents);
        } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListAppendBarrier(MemorySegment list, MemorySegment signalEvent, int numWaitEvents, MemorySegment waitEvents) {
        try { return (int) zeCommandListAppendBarrier.invokeExact(list, signalEvent, numWaitEvents, waitEvents); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeCommandListAppendMemoryCopy(MemorySegment list, MemorySegment dst, MemorySegment src, long size,
                                             MemorySegment signalEvent, int numWaitEvents, MemorySegment waitEvents) {
        try {
            return (int) zeCommandListAppendMemoryCopy.invokeExact(list, dst, src, size, signalEvent, numWaitEvents, waitEvents);
        } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }
}
