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

/** ze_api.h, fence and event areas. */
@SuppressWarnings("unused")
public final class ZeSyncApi {
    private final MethodHandle zeFenceCreate;
    private final MethodHandle zeFenceDestroy;
    private final MethodHandle zeFenceHostSynchronize;
    private final MethodHandle zeFenceReset;
    private final MethodHandle zeEventPoolCreate;
    private final MethodHandle zeEventPoolDestroy;
    private final MethodHandle zeEventCreate;
    private final MethodHandle zeEventDestroy;
    private final MethodHandle zeEventHostSynchronize;
    private final MethodHandle zeEventHostReset;

    ZeSyncApi(NativeLibrary lib) throws NativeLibrary.Missing {
        // zeFenceCreate(ze_command_queue_handle_t, const ze_fence_desc_t *, ze_fence_handle_t *)
        zeFenceCreate = lib.function("zeFenceCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        zeFenceDestroy = lib.function("zeFenceDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeFenceHostSynchronize(ze_fence_handle_t, uint64_t timeout)
        zeFenceHostSynchronize = lib.function("zeFenceHostSynchronize", FunctionDescriptor.of(C_INT, POINTER, C_LONG));
        zeFenceReset = lib.function("zeFenceReset", FunctionDescriptor.of(C_INT, POINTER));
        // zeEventPoolCreate(ze_context_handle_t, const ze_event_pool_desc_t *, uint32_t numDevices, ze_device_handle_t *, ze_event_pool_handle_t *)
        zeEventPoolCreate = lib.function("zeEventPoolCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, C_INT, POINTER, POINTER));
        zeEventPoolDestroy = lib.function("zeEventPoolDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeEventCreate(ze_event_pool_handle_t, const ze_event_desc_t *, ze_event_handle_t *)
        zeEventCreate = lib.function("zeEventCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        zeEventDestroy = lib.function("zeEventDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeEventHostSynchronize(ze_event_handle_t, uint64_t timeout)
        zeEventHostSynchronize = lib.function("zeEventHostSynchronize", FunctionDescriptor.of(C_INT, POINTER, C_LONG));
        zeEventHostReset = lib.function("zeEventHostReset", FunctionDescriptor.of(C_INT, POINTER));
    }

    public int zeFenceCreate(MemorySegment queue, MemorySegment desc, MemorySegment phFence) {
        try { return (int) zeFenceCreate.invokeExact(queue, desc, phFence); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeFenceDestroy(MemorySegment fence) {
        try { return (int) zeFenceDestroy.invokeExact(fence); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeFenceHostSynchronize(MemorySegment fence, long timeout) {
        try { return (int) zeFenceHostSynchronize.invokeExact(fence, timeout); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeFenceReset(MemorySegment fence) {
        try { return (int) zeFenceReset.invokeExact(fence); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeEventPoolCreate(MemorySegment context, MemorySegment desc, int numDevices, MemorySegment devices, MemorySegment phPool) {
        try { return (int) zeEventPoolCreate.invokeExact(context, desc, numDevices, devices, phPool); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeEventPoolDestroy(MemorySegment pool) {
        try { return (int) zeEventPoolDestroy.invokeExact(pool); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeEventCreate(MemorySegment pool, MemorySegment desc, MemorySegment phEvent) {
        try { return (int) zeEventCreate.invokeExact(pool, desc, phEvent); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeEventDestroy(MemorySegment event) {
        try { return (int) zeEventDestroy.invokeExact(event); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeEventHostSynchronize(MemorySegment event, long timeout) {
        try { return (int) zeEventHostSynchronize.invokeExact(event, timeout); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeEventHostReset(MemorySegment event) {
        try { return (int) zeEventHostReset.invokeExact(event); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }
}
