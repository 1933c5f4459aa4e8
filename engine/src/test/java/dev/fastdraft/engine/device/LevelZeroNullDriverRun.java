package dev.fastdraft.engine.device;

import static dev.fastdraft.engine.device.levelzero.ZeConstants.*;
import static dev.fastdraft.engine.device.levelzero.ZeStructs.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.device.levelzero.LevelZero;
import dev.fastdraft.engine.device.levelzero.LevelZeroBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Run in a child JVM by LevelZeroNullDriverTest, because the loader reads its environment
 * (ZE_ENABLE_ALT_DRIVERS, ZE_ENABLE_VALIDATION_LAYER) once, at zeInit. Modes:
 * {@code null-driver}: the whole backend call sequence, then the bindings the backend itself does not use,
 * against the null driver with parameter validation on; any non-success result throws.
 * {@code failed-init}: zeInit fails; the backend must explain it and never call Level Zero again.
 */
public final class LevelZeroNullDriverRun {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "null-driver" -> nullDriver();
            case "failed-init" -> failedInit();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void failedInit() {
        LevelZeroBackend backend = new LevelZeroBackend();
        BackendReport r = backend.probe();
        if (r.available()) throw new AssertionError("expected no device, got " + r.devices());
        if (!r.whyNone().contains("zeInit failed")) throw new AssertionError("unexpected reason: " + r.whyNone());
        try {
            backend.open(0);
            throw new AssertionError("open(0) should have failed");
        } catch (DeviceException e) {
            if (!e.getMessage().contains("levelzero:0")) throw new AssertionError("message does not name the device: " + e.getMessage());
        }
        // a second backend must not call zeInit again either (the process-wide state is reused)
        BackendReport again = new LevelZeroBackend().probe();
        System.out.println("reason: " + again.whyNone());
        System.out.println("FAILED-INIT-OK");
    }

    private static void nullDriver() throws Exception {
        LevelZeroBackend backend = new LevelZeroBackend();
        BackendReport r = backend.probe();
        if (!r.available()) throw new AssertionError("null driver not found: " + r.whyNone());
        Device d = r.devices().get(0);
        System.out.println("device: " + d);
        if (d.type() != DeviceType.GPU) throw new AssertionError("the null driver reports a GPU, got " + d.type());
        try (ComputeDevice dev = backend.open(0); Arena arena = Arena.ofConfined()) {
            // The null driver runs no kernel: this proves the calls and their arguments, not the numbers.
            MemorySegment a = arena.allocate(33 * 17 * 4L, 64), b = arena.allocate(17 * 9 * 4L, 64), c = arena.allocate(33 * 9 * 4L, 64);
            dev.sgemm(false, false, 33, 9, 17, a, 0, 17, b, 0, 9, c, 0, 9, false);
            dev.sgemm(true, true, 5, 3, 2, MemorySegment.ofArray(new float[10]), 0, 5, MemorySegment.ofArray(new float[6]), 0, 2, c, 0, 3, true);
            for (DType wt : DType.values()) {
                MemorySegment w = arena.allocate(9L * 17 * wt.byteSize(), 64);
                dev.matmulTransposed(3, 9, 17, a, 0, 17, wt, w, 0, c, 0, 9, wt == DType.F16);
            }
            long before = dev.bytesCopied();
            MemorySegment sa = dev.allocateShared(33 * 17 * 4L), sb = dev.allocateShared(17 * 9 * 4L);
            dev.sgemm(false, false, 33, 9, 17, sa, 0, 17, sb, 0, 9, c, 0, 9, false);
            long copied = dev.bytesCopied() - before;
            if (copied != 33 * 9 * 4L) throw new AssertionError("shared inputs must not be copied; copied " + copied + " bytes");
        }
        rawBindings();
        System.out.println("NULL-DRIVER-OK");
    }

    /** The bindings the backend does not call on its own path, each with valid arguments, plus a validation-layer check. */
    private static void rawBindings() throws Exception {
        LevelZero ze = LevelZero.load();
        try (Arena arena = Arena.ofConfined()) {
            ok(ze.driver().zeInit(0), "zeInit (again, after success)");
            MemorySegment count = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
            MemorySegment ids = arena.allocate(ValueLayout.ADDRESS);
            ok(ze.driver().zeDriverGet(count, ids), "zeDriverGet");
            MemorySegment driver = ids.get(ValueLayout.ADDRESS, 0);
            count.set(ValueLayout.JAVA_INT, 0, 1);
            ok(ze.device().zeDeviceGet(driver, count, ids), "zeDeviceGet");
            MemorySegment device = ids.get(ValueLayout.ADDRESS, 0);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);

            MemorySegment ctxDesc = arena.allocate(ZE_CONTEXT_DESC);
            setInt(ctxDesc, ZE_CONTEXT_DESC, "stype", ZE_STRUCTURE_TYPE_CONTEXT_DESC);
            // the validation layer must be active: a null driver handle is refused before reaching the driver
            int rc = ze.context().zeContextCreate(MemorySegment.NULL, ctxDesc, out);
            if (rc != ZE_RESULT_ERROR_INVALID_NULL_HANDLE)
                throw new AssertionError("validation layer inactive: zeContextCreate(NULL) returned " + resultName(rc));
            ok(ze.context().zeContextCreate(driver, ctxDesc, out), "zeContextCreate");
            MemorySegment context = out.get(ValueLayout.ADDRESS, 0);

            MemorySegment qDesc = arena.allocate(ZE_COMMAND_QUEUE_DESC);
            setInt(qDesc, ZE_COMMAND_QUEUE_DESC, "stype", ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
            ok(ze.context().zeCommandQueueCreate(context, device, qDesc, out), "zeCommandQueueCreate");
            MemorySegment queue = out.get(ValueLayout.ADDRESS, 0);
            MemorySegment lDesc = arena.allocate(ZE_COMMAND_LIST_DESC);
            setInt(lDesc, ZE_COMMAND_LIST_DESC, "stype", ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC);
            ok(ze.context().zeCommandListCreate(context, device, lDesc, out), "zeCommandListCreate");
            MemorySegment list = out.get(ValueLayout.ADDRESS, 0);

            MemorySegment dDesc = arena.allocate(ZE_DEVICE_MEM_ALLOC_DESC);
            setInt(dDesc, ZE_DEVICE_MEM_ALLOC_DESC, "stype", ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC);
            ok(ze.memory().zeMemAllocDevice(context, dDesc, 4096, 64, device, out), "zeMemAllocDevice");
            MemorySegment deviceMem = out.get(ValueLayout.ADDRESS, 0);
            MemorySegment hDesc = arena.allocate(ZE_HOST_MEM_ALLOC_DESC);
            setInt(hDesc, ZE_HOST_MEM_ALLOC_DESC, "stype", ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
            ok(ze.memory().zeMemAllocShared(context, dDesc, hDesc, 4096, 64, device, out), "zeMemAllocShared");
            MemorySegment sharedMem = out.get(ValueLayout.ADDRESS, 0);
            ok(ze.context().zeCommandListAppendMemoryCopy(list, deviceMem, sharedMem, 4096, MemorySegment.NULL, 0, MemorySegment.NULL),
                    "zeCommandListAppendMemoryCopy");
            ok(ze.context().zeCommandListClose(list), "zeCommandListClose");
            ok(ze.context().zeCommandQueueExecuteCommandLists(queue, 1, arena.allocateFrom(ValueLayout.ADDRESS, list), MemorySegment.NULL),
                    "zeCommandQueueExecuteCommandLists");
            ok(ze.context().zeCommandQueueSynchronize(queue, UINT64_MAX), "zeCommandQueueSynchronize");

            byte[] spv = KernelBinaries.read(KernelBinaries.SPIRV);
            MemorySegment il = arena.allocate(spv.length);
            il.copyFrom(MemorySegment.ofArray(spv));
            MemorySegment mDesc = arena.allocate(ZE_MODULE_DESC);
            setInt(mDesc, ZE_MODULE_DESC, "stype", ZE_STRUCTURE_TYPE_MODULE_DESC);
            setInt(mDesc, ZE_MODULE_DESC, "format", ZE_MODULE_FORMAT_IL_SPIRV);
            setLong(mDesc, ZE_MODULE_DESC, "inputSize", spv.length);
            setAddress(mDesc, ZE_MODULE_DESC, "pInputModule", il);
            ok(ze.module().zeModuleCreate(context, device, mDesc, out, MemorySegment.NULL), "zeModuleCreate");
            MemorySegment module = out.get(ValueLayout.ADDRESS, 0);
            MemorySegment kDesc = arena.allocate(ZE_KERNEL_DESC);
            setInt(kDesc, ZE_KERNEL_DESC, "stype", ZE_STRUCTURE_TYPE_KERNEL_DESC);
            setAddress(kDesc, ZE_KERNEL_DESC, "pKernelName", arena.allocateFrom(KernelBinaries.SGEMM));
            ok(ze.module().zeKernelCreate(module, kDesc, out), "zeKernelCreate");
            MemorySegment kernel = out.get(ValueLayout.ADDRESS, 0);
            MemorySegment gx = arena.allocate(ValueLayout.JAVA_INT), gy = arena.allocate(ValueLayout.JAVA_INT), gz = arena.allocate(ValueLayout.JAVA_INT);
            ok(ze.module().zeKernelSuggestGroupSize(kernel, 256, 256, 1, gx, gy, gz), "zeKernelSuggestGroupSize");

            ok(ze.module().zeKernelDestroy(kernel), "zeKernelDestroy");
            ok(ze.module().zeModuleDestroy(module), "zeModuleDestroy");
            ok(ze.memory().zeMemFree(context, sharedMem), "zeMemFree");
            ok(ze.memory().zeMemFree(context, deviceMem), "zeMemFree");
            ok(ze.context().zeCommandListDestroy(list), "zeCommandListDestroy");
            ok(ze.context().zeCommandQueueDestroy(queue), "zeCommandQueueDestroy");
            ok(ze.context().zeContextDestroy(context), "zeContextDestroy");
        }
    }

    private static void ok(int rc, String call) {
        if (rc != ZE_RESULT_SUCCESS) throw new AssertionError(call + " returned " + resultName(rc));
    }
}
