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

/** ze_api.h, device area: enumeration and properties. */
@SuppressWarnings("unused")
public final class ZeDeviceApi {
    private final MethodHandle zeDeviceGet;
    private final MethodHandle zeDeviceGetProperties;
    private final MethodHandle zeDeviceGetComputeProperties;
    private final MethodHandle zeDeviceGetMemoryProperties;
    private final MethodHandle zeDeviceGetCommandQueueGroupProperties;

    ZeDeviceApi(NativeLibrary lib) throws NativeLibrary.Missing {
        // zeDeviceGet(ze_driver_handle_t, uint32_t *pCount, ze_device_handle_t *phDevices)
        zeDeviceGet = lib.function("zeDeviceGet", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        // zeDeviceGetProperties(ze_device_handle_t, ze_device_properties_t *)
        zeDeviceGetProperties = lib.function("zeDeviceGetProperties", FunctionDescriptor.of(C_INT, POINTER, POINTER));
        // zeDeviceGetComputeProperties(ze_device_handle_t, ze_device_compute_properties_t *)
        zeDeviceGetComputeProperties = lib.function("zeDeviceGetComputeProperties", FunctionDescriptor.of(C_INT, POINTER, POINTER));
        // zeDeviceGetMemoryProperties(ze_device_handle_t, uint32_t *pCount, ze_device_memory_properties_t *)
        zeDeviceGetMemoryProperties = lib.function("zeDeviceGetMemoryProperties", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        // zeDeviceGetCommandQueueGroupProperties(ze_device_handle_t, uint32_t *pCount, ze_command_queue_group_properties_t *)
        zeDeviceGetCommandQueueGroupProperties = lib.function("zeDeviceGetCommandQueueGroupProperties",
                FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
    }

    public int zeDeviceGet(MemorySegment driver, MemorySegment pCount, MemorySegment phDevices) {
        try { return (int) zeDeviceGet.invokeExact(driver, pCount, phDevices); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDeviceGetProperties(MemorySegment device, MemorySegment properties) {
        try { return (int) zeDeviceGetProperties.invokeExact(device, properties); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDeviceGetComputeProperties(MemorySegment device, MemorySegment properties) {
        try { return (int) zeDeviceGetComputeProperties.invokeExact(device, properties); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDeviceGetMemoryProperties(MemorySegment device, MemorySegment pCount, MemorySegment properties) {
        try { return (int) zeDeviceGetMemoryProperties.invokeExact(device, pCount, properties); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDeviceGetCommandQueueGroupProperties(MemorySegment device, MemorySegment pCount, MemorySegment properties) {
        try { return (int) zeDeviceGetCommandQueueGroupProperties.invokeExact(device, pCount, properties); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }
}
