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

/** ze_api.h, driver area: zeInit and driver queries. All return ze_result_t. */
@SuppressWarnings("unused")
public final class ZeDriverApi {
    private final MethodHandle zeInit;
    private final MethodHandle zeDriverGet;
    private final MethodHandle zeDriverGetApiVersion;
    private final MethodHandle zeDriverGetProperties;
    private final MethodHandle zeDriverGetExtensionProperties;

    ZeDriverApi(NativeLibrary lib) throws NativeLibrary.Missing {
        // ze_result_t zeInit(ze_init_flags_t flags)
        zeInit = lib.function("zeInit", FunctionDescriptor.of(C_INT, C_INT));
        // zeDriverGet(uint32_t *pCount, ze_driver_handle_t *phDrivers)
        zeDriverGet = lib.function("zeDriverGet", FunctionDescriptor.of(C_INT, POINTER, POINTER));
        // zeDriverGetApiVersion(ze_driver_handle_t, ze_api_version_t *version)
        zeDriverGetApiVersion = lib.function("zeDriverGetApiVersion", FunctionDescriptor.of(C_INT, POINTER, POINTER));
        // zeDriverGetProperties(ze_driver_handle_t, ze_driver_properties_t *)
        zeDriverGetProperties = lib.function("zeDriverGetProperties", FunctionDescriptor.of(C_INT, POINTER, POINTER));
        // zeDriverGetExtensionProperties(ze_driver_handle_t, uint32_t *pCount, ze_driver_extension_properties_t *)
        zeDriverGetExtensionProperties = lib.function("zeDriverGetExtensionProperties", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
    }

    public int zeInit(int flags) {
        try { return (int) zeInit.invokeExact(flags); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDriverGet(MemorySegment pCount, MemorySegment phDrivers) {
        try { return (int) zeDriverGet.invokeExact(pCount, phDrivers); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDriverGetApiVersion(MemorySegment driver, MemorySegment version) {
        try { return (int) zeDriverGetApiVersion.invokeExact(driver, version); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDriverGetProperties(MemorySegment driver, MemorySegment properties) {
        try { return (int) zeDriverGetProperties.invokeExact(driver, properties); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeDriverGetExtensionProperties(MemorySegment driver, MemorySegment pCount, MemorySegment properties) {
        try { return (int) zeDriverGetExtensionProperties.invokeExact(driver, pCount, properties); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }
}
