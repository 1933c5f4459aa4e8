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

/** ze_api.h, module and kernel areas. */
@SuppressWarnings("unused")
public final class ZeModuleApi {
    private final MethodHandle zeModuleCreate;
    private final MethodHandle zeModuleDestroy;
    private final MethodHandle zeModuleBuildLogGetString;
    private final MethodHandle zeModuleBuildLogDestroy;
    private final MethodHandle zeKernelCreate;
    private final MethodHandle zeKernelDestroy;
    private final MethodHandle zeKernelSetGroupSize;
    private final MethodHandle zeKernelSuggestGroupSize;
    private final MethodHandle zeKernelSetArgumentValue;

    ZeModuleApi(NativeLibrary lib) throws NativeLibrary.Missing {
        // zeModuleCreate(ze_context_handle_t, ze_device_handle_t, const ze_module_desc_t *, ze_module_handle_t *,
        //                ze_module_build_log_handle_t *phBuildLog)
        zeModuleCreate = lib.function("zeModuleCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER, POINTER, POINTER));
        zeModuleDestroy = lib.function("zeModuleDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeModuleBuildLogGetString(ze_module_build_log_handle_t, size_t *pSize, char *pBuildLog)
        zeModuleBuildLogGetString = lib.function("zeModuleBuildLogGetString", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        zeModuleBuildLogDestroy = lib.function("zeModuleBuildLogDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeKernelCreate(ze_module_handle_t, const ze_kernel_desc_t *, ze_kernel_handle_t *)
        zeKernelCreate = lib.function("zeKernelCreate", FunctionDescriptor.of(C_INT, POINTER, POINTER, POINTER));
        zeKernelDestroy = lib.function("zeKernelDestroy", FunctionDescriptor.of(C_INT, POINTER));
        // zeKernelSetGroupSize(ze_kernel_handle_t, uint32_t groupSizeX, uint32_t groupSizeY, uint32_t groupSizeZ)
        zeKernelSetGroupSize = lib.function("zeKernelSetGroupSize", FunctionDescriptor.of(C_INT, POINTER, C_INT, C_INT, C_INT));
        // zeKernelSuggestGroupSize(kernel, uint32_t globalSizeX, Y, Z, uint32_t *groupSizeX, *groupSizeY, *groupSizeZ)
        zeKernelSuggestGroupSize = lib.function("zeKernelSuggestGroupSize",
                FunctionDescriptor.of(C_INT, POINTER, C_INT, C_INT, C_INT, POINTER, POINTER, POINTER));
        // zeKernelSetArgumentValue(ze_kernel_handle_t, uint32_t argIndex, size_t argSize, const void *pArgValue)
        zeKernelSetArgumentValue = lib.function("zeKernelSetArgumentValue", FunctionDescriptor.of(C_INT, POINTER, C_INT, SIZE_T, POINTER));
    }

    public int zeModuleCreate(MemorySegment context, MemorySegment device, MemorySegment desc, MemorySegment phModule, MemorySegment phBuildLog) {
        try { return (int) zeModuleCreate.invokeExact(context, device, desc, phModule, phBuildLog); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeModuleDestroy(MemorySegment module) {
        try { return (int) zeModuleDestroy.invokeExact(module); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeModuleBuildLogGetString(MemorySegment log, MemorySegment pSize, MemorySegment pBuildLog) {
        try { return (int) zeModuleBuildLogGetString.invokeExact(log, pSize, pBuildLog); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeModuleBuildLogDestroy(MemorySegment log) {
        try { return (int) zeModuleBuildLogDestroy.invokeExact(log); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeKernelCreate(MemorySegment module, MemorySegment desc, MemorySegment phKernel) {
        try { return (int) zeKernelCreate.invokeExact(module, desc, phKernel); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeKernelDestroy(MemorySegment kernel) {
        try { return (int) zeKernelDestroy.invokeExact(kernel); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeKernelSetGroupSize(MemorySegment kernel, int x, int y, int z) {
        try { return (int) zeKernelSetGroupSize.invokeExact(kernel, x, y, z); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeKernelSuggestGroupSize(MemorySegment kernel, int globalX, int globalY, int globalZ,
                                        MemorySegment groupX, MemorySegment groupY, MemorySegment groupZ) {
        try {
            return (int) zeKernelSuggestGroupSize.invokeExact(kernel, globalX, globalY, globalZ, groupX, groupY, groupZ);
        } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }

    public int zeKernelSetArgumentValue(MemorySegment kernel, int index, long size, MemorySegment value) {
        try { return (int) zeKernelSetArgumentValue.invokeExact(kernel, index, size, value); } catch (Throwable t) { throw Downcalls.rethrow(t); }
    }
}
