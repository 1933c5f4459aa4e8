package dev.fastdraft.engine.device.levelzero;

import static dev.fastdraft.engine.device.levelzero.ZeConstants.*;
import static dev.fastdraft.engine.device.levelzero.ZeStructs.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.device.ComputeDevice;
import dev.fastdraft.engine.device.Device;
import dev.fastdraft.engine.device.DeviceException;
import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.KernelBinaries;
import dev.fastdraft.engine.device.MatmulChecks;
import dev.fastdraft.engine.device.MatmulChecks.Span;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opened Level Zero GPU: context, one compute queue with a fence, one command list re-recorded per
 * operation, the SPIR-V module and its kernels, and a host-visible event signalled by each launch.
 *
 * <p>Memory: kernels read unified shared memory. Inputs inside an {@link #allocateShared} region are passed
 * as they are; others are staged into a shared allocation. Outputs are always staged and copied back after
 * the fence and event signalled, so a failed call leaves them untouched.
 */
final class LevelZeroDevice implements ComputeDevice {
    /** A hung device must not hang the JVM: waits give up after this long. */
    private static final long TIMEOUT_NANOS = 120_000_000_000L;

    private final LevelZero ze;
    private final Device info;
    private final MemorySegment deviceId;
    private final Arena handles = Arena.ofShared();
    private MemorySegment context = MemorySegment.NULL;
    private MemorySegment queue = MemorySegment.NULL;
    private MemorySegment list = MemorySegment.NULL;
    private MemorySegment module = MemorySegment.NULL;
    private MemorySegment fence = MemorySegment.NULL;
    private MemorySegment eventPool = MemorySegment.NULL;
    private MemorySegment event = MemorySegment.NULL;
    private final Map<String, MemorySegment> kernels = new LinkedHashMap<>();
    /** Shared allocations handed out by allocateShared, freed on close. */
    private final List<MemorySegment> shared = new ArrayList<>();
    private long staged;
    private boolean closed;

    LevelZeroDevice(LevelZero ze, MemorySegment driver, MemorySegment deviceId, Device info) {
        this.ze = ze;
        this.info = info;
        this.deviceId = deviceId;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);

            MemorySegment ctxDesc = arena.allocate(ZE_CONTEXT_DESC);
            setInt(ctxDesc, ZE_CONTEXT_DESC, "stype", ZE_STRUCTURE_TYPE_CONTEXT_DESC);
            check(ze.context().zeContextCreate(driver, ctxDesc, out), "zeContextCreate");
            context = out.get(ValueLayout.ADDRESS, 0);

            int ordinal = computeQueueOrdinal(arena);
            MemorySegment qDesc = arena.allocate(ZE_COMMAND_QUEUE_DESC);
            setInt(qDesc, ZE_COMMAND_QUEUE_DESC, "stype", ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC);
            setInt(qDesc, ZE_COMMAND_QUEUE_DESC, "ordinal", ordinal);
            setInt(qDesc, ZE_COMMAND_QUEUE_DESC, "mode", ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS);
            setInt(qDesc, ZE_COMMAND_QUEUE_DESC, "priority", ZE_COMMAND_QUEUE_PRIORITY_NORMAL);
            check(ze.context().zeCommandQueueCreate(context, deviceId, qDesc, out), "zeCommandQueueCreate");
            queue = out.get(ValueLayout.ADDRESS, 0);

            MemorySegment lDesc = arena.allocate(ZE_COMMAND_LIST_DESC);
            setInt(lDesc, ZE_COMMAND_LIST_DESC, "stype", ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC);
            setInt(lDesc, ZE_COMMAND_LIST_DESC, "commandQueueGroupOrdinal", ordinal);
            check(ze.context().zeCommandListCreate(context, deviceId, lDesc, out), "zeCommandListCreate");
            list = out.get(ValueLayout.ADDRESS, 0);

            MemorySegment fDesc = arena.allocate(ZE_FENCE_DESC);
            setInt(fDesc, ZE_FENCE_DESC, "stype", ZE_STRUCTURE_TYPE_FENCE_DESC);
            check(ze.sync().zeFenceCreate(queue, fDesc, out), "zeFenceCreate");
            fence = out.get(ValueLayout.ADDRESS, 0);

            MemorySegment pDesc = arena.allocate(ZE_EVENT_POOL_DESC);
            setInt(pDesc, ZE_EVENT_POOL_DESC, "stype", ZE_STRUCTURE_TYPE_EVENT_POOL_DESC);
            setInt(pDesc, ZE_EVENT_POOL_DESC, "flags", ZE_EVENT_POOL_FLAG_HOST_VISIBLE);
            setInt(pDesc, ZE_EVENT_POOL_DESC, "count", 1);
            check(ze.sync().zeEventPoolCreate(context, pDesc, 1, arena.allocateFrom(ValueLayout.ADDRESS, deviceId), out), "zeEventPoolCreate");
            eventPool = out.get(ValueLayout.ADDRESS, 0);

            MemorySegment eDesc = arena.allocate(ZE_EVENT_DESC);
            setInt(eDesc, ZE_EVENT_DESC, "stype", ZE_STRUCTURE_TYPE_EVENT_DESC);
            setInt(eDesc, ZE_EVENT_DESC, "index", 0);
            setInt(eDesc, ZE_EVENT_DESC, "signal", ZE_EVENT_SCOPE_FLAG_HOST);
            setInt(eDesc, ZE_EVENT_DESC, "wait", ZE_EVENT_SCOPE_FLAG_HOST);
            check(ze.sync().zeEventCreate(eventPool, eDesc, out), "zeEventCreate");
            event = out.get(ValueLayout.ADDRESS, 0);

            module = buildModule(arena);
            for (String name : List.of(KernelBinaries.SGEMM, KernelBinaries.GEMV_F32, KernelBinaries.GEMV_BF16, KernelBinaries.GEMV_F16)) {
                MemorySegment kDesc = arena.allocate(ZE_KERNEL_DESC);
                setInt(kDesc, ZE_KERNEL_DESC, "stype", ZE_STRUCTURE_TYPE_KERNEL_DESC);
                setAddress(kDesc, ZE_KERNEL_DESC, "pKernelName", arena.allocateFrom(name));
                check(ze.module().zeKernelCreate(module, kDesc, out), "zeKernelCreate(" + name + ")");
                kernels.put(name, out.get(ValueLayout.ADDRESS, 0));
            }
            MemorySegment k = kernels.get(KernelBinaries.SGEMM);
            check(ze.module().zeKernelSetGroupSize(k, KernelBinaries.SGEMM_LOCAL_X, KernelBinaries.SGEMM_LOCAL_Y, 1), "zeKernelSetGroupSize(sgemm_tiled)");
            for (DType wt : DType.values()) {
                String name = KernelBinaries.gemvKernel(wt);
                check(ze.module().zeKernelSetGroupSize(kernels.get(name), KernelBinaries.GEMV_LOCAL, 1, 1), "zeKernelSetGroupSize(" + name + ")");
            }
        } catch (RuntimeException e) {
            String failure = releaseAll();
            if (failure != null) e.addSuppressed(new DeviceException(info.label() + ": while cleaning up: " + failure));
            throw e;
        }
    }

    private int computeQueueOrdinal(Arena arena) {
        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        check(ze.device().zeDeviceGetCommandQueueGroupProperties(deviceId, count, MemorySegment.NULL), "zeDeviceGetCommandQueueGroupProperties");
        int n = count.get(ValueLayout.JAVA_INT, 0);
        if (n == 0) throw new DeviceException(info.label() + ": the device has no command queue group");
        long size = ZE_COMMAND_QUEUE_GROUP_PROPERTIES.byteSize();
        MemorySegment props = arena.allocate(ZE_COMMAND_QUEUE_GROUP_PROPERTIES, n);
        for (int i = 0; i < n; i++) props.set(ValueLayout.JAVA_INT, i * size, ZE_STRUCTURE_TYPE_COMMAND_QUEUE_GROUP_PROPERTIES);
        check(ze.device().zeDeviceGetCommandQueueGroupProperties(deviceId, count, props), "zeDeviceGetCommandQueueGroupProperties");
        for (int i = 0; i < count.get(ValueLayout.JAVA_INT, 0); i++) {
            int flags = props.get(ValueLayout.JAVA_INT, i * size + offset(ZE_COMMAND_QUEUE_GROUP_PROPERTIES, "flags"));
            if ((flags & ZE_COMMAND_QUEUE_GROUP_PROPERTY_FLAG_COMPUTE) != 0) return i;
        }
        throw new DeviceException(info.label() + ": no command queue group supports compute");
    }

    private MemorySegment buildModule(Arena arena) {
        byte[] spv = KernelBinaries.read(KernelBinaries.SPIRV);
        MemorySegment il = arena.allocate(spv.length, 8);
        il.copyFrom(MemorySegment.ofArray(spv));
        MemorySegment desc = arena.allocate(ZE_MODULE_DESC);
        setInt(desc, ZE_MODULE_DESC, "stype", ZE_STRUCTURE_TYPE_MODULE_DESC);
        setInt(desc, ZE_MODULE_DESC, "format", ZE_MODULE_FORMAT_IL_SPIRV);
        setLong(desc, ZE_MODULE_DESC, "inputSize", spv.length);
        setAddress(desc, ZE_MODULE_DESC, "pInputModule", il);
        setAddress(desc, ZE_MODULE_DESC, "pBuildFlags", arena.allocateFrom(""));
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        MemorySegment logOut = arena.allocate(ValueLayout.ADDRESS);
        int rc = ze.module().zeModuleCreate(context, deviceId, desc, out, logOut);
        MemorySegment log = logOut.get(ValueLayout.ADDRESS, 0);
        String text = log.equals(MemorySegment.NULL) ? "" : buildLog(arena, log);
        if (!log.equals(MemorySegment.NULL)) check(ze.module().zeModuleBuildLogDestroy(log), "zeModuleBuildLogDestroy");
        if (rc != ZE_RESULT_SUCCESS) {
            throw new DeviceException(info.label() + ": zeModuleCreate(" + KernelBinaries.SPIRV + ") failed: " + resultName(rc)
                    + (text.isBlank() ? " (empty build log)" : "; build log:\n" + text));
        }
        return out.get(ValueLayout.ADDRESS, 0);
    }

    private String buildLog(Arena arena, MemorySegment log) {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG); // zero: drivers that have no log leave it so
        int rc = ze.module().zeModuleBuildLogGetString(log, size, MemorySegment.NULL);
        if (rc != ZE_RESULT_SUCCESS) return "(zeModuleBuildLogGetString failed: " + resultName(rc) + ")";
        long n = size.get(ValueLayout.JAVA_LONG, 0);
        if (n <= 1) return "";
        MemorySegment text = arena.allocate(n);
        rc = ze.module().zeModuleBuildLogGetString(log, size, text);
        if (rc != ZE_RESULT_SUCCESS) return "(zeModuleBuildLogGetString failed: " + resultName(rc) + ")";
        return Downcalls.cString(text, 0, (int) Math.min(n, 1 << 20));
    }

    @Override
    public Device device() {
        return info;
    }

    @Override
    public synchronized long bytesCopied() {
        return staged;
    }

    @Override
    public synchronized MemorySegment allocateShared(long bytes) {
        checkOpen();
        if (bytes <= 0) throw new IllegalArgumentException(info.label() + ": allocateShared needs a positive size, got " + bytes);
        MemorySegment mem = allocate(bytes);
        shared.add(mem);
        return mem;
    }

    /** A zeroed shared allocation, scoped to this device's arena so that it dies with the device. */
    private MemorySegment allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dDesc = arena.allocate(ZE_DEVICE_MEM_ALLOC_DESC);
            setInt(dDesc, ZE_DEVICE_MEM_ALLOC_DESC, "stype", ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC);
            MemorySegment hDesc = arena.allocate(ZE_HOST_MEM_ALLOC_DESC);
            setInt(hDesc, ZE_HOST_MEM_ALLOC_DESC, "stype", ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(ze.memory().zeMemAllocShared(context, dDesc, hDesc, bytes, 64, deviceId, out), "zeMemAllocShared(" + bytes + " bytes)");
            MemorySegment mem = out.get(ValueLayout.ADDRESS, 0).reinterpret(bytes, handles, null);
            mem.fill((byte) 0);
            return mem;
        }
    }

    private void free(MemorySegment mem) {
        check(ze.memory().zeMemFree(context, MemorySegment.ofAddress(mem.address())), "zeMemFree");
    }

    // ---- operations ----

    @Override
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k,
                                   MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                                   MemorySegment c, long cOff, int ldc, boolean accumulate) {
        Span[] s = MatmulChecks.sgemm(info.id() + " sgemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        checkOpen();
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) c.asSlice((cOff + (long) i * ldc) * 4, (long) n * 4).fill((byte) 0);
            return;
        }
        try (Call call = new Call()) {
            MemorySegment pa = call.input(a, s[0]);
            MemorySegment pb = call.input(b, s[1]);
            MemorySegment pc = call.output(c, s[2]);
            MemorySegment kernel = kernels.get(KernelBinaries.SGEMM);
            int arg = 0;
            call.arg(kernel, arg++, m);
            call.arg(kernel, arg++, n);
            call.arg(kernel, arg++, k);
            call.arg(kernel, arg++, pa);
            call.arg(kernel, arg++, transA ? 1 : lda);
            call.arg(kernel, arg++, transA ? lda : 1);
            call.arg(kernel, arg++, pb);
            call.arg(kernel, arg++, transB ? 1 : ldb);
            call.arg(kernel, arg++, transB ? ldb : 1);
            call.arg(kernel, arg++, pc);
            call.arg(kernel, arg++, ldc);
            call.arg(kernel, arg++, accumulate ? 1 : 0);
            call.launch(kernel, KernelBinaries.SGEMM, KernelBinaries.groups(n, KernelBinaries.SGEMM_TILE), KernelBinaries.groups(m, KernelBinaries.SGEMM_TILE));
            call.readBack(pc, c, s[2]);
        }
    }

    @Override
    public synchronized void matmulTransposed(int rows, int n, int k, MemorySegment x, long xOff, int ldx,
                                              DType wt, MemorySegment w, long wByteOff,
                                              MemorySegment y, long yOff, int ldy, boolean accumulate) {
        Span[] s = MatmulChecks.matmulTransposed(info.id() + " matmulTransposed", rows, n, k, x, xOff, ldx, wt, w, wByteOff, y, yOff, ldy);
        checkOpen();
        if (rows == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < rows; i++) y.asSlice((yOff + (long) i * ldy) * 4, (long) n * 4).fill((byte) 0);
            return;
        }
        String name = KernelBinaries.gemvKernel(wt);
        try (Call call = new Call()) {
            MemorySegment px = call.input(x, s[0]);
            MemorySegment pw = call.input(w, s[1]);
            MemorySegment py = call.output(y, s[2]);
            MemorySegment kernel = kernels.get(name);
            int arg = 0;
            call.arg(kernel, arg++, rows);
            call.arg(kernel, arg++, n);
            call.arg(kernel, arg++, k);
            call.arg(kernel, arg++, px);
            call.arg(kernel, arg++, ldx);
            call.arg(kernel, arg++, pw);
            call.arg(kernel, arg++, py);
            call.arg(kernel, arg++, ldy);
            call.arg(kernel, arg++, accumulate ? 1 : 0);
            call.launch(kernel, name, n, 1);
            call.readBack(py, y, s[2]);
        }
    }

    /** Staging allocations and scratch memory of one operation, freed when it ends whatever happened. */
    private final class Call implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final List<MemorySegment> staging = new ArrayList<>();

        MemorySegment input(MemorySegment seg, Span span) {
            MemorySegment host = seg.asSlice(span.byteOffset(), span.byteLength());
            if (host.isNative() && insideShared(host)) return host;
            return stage(host);
        }

        MemorySegment output(MemorySegment seg, Span span) {
            return stage(seg.asSlice(span.byteOffset(), span.byteLength()));
        }

        private MemorySegment stage(MemorySegment host) {
            MemorySegment mem = allocate(host.byteSize());
            staging.add(mem);
            mem.copyFrom(host);
            staged += host.byteSize();
            return mem;
        }

        void arg(MemorySegment kernel, int index, int value) {
            check(ze.module().zeKernelSetArgumentValue(kernel, index, 4, arena.allocateFrom(ValueLayout.JAVA_INT, value)), "zeKernelSetArgumentValue(" + index + ")");
        }

        /** A global pointer argument is passed by value: the argument is the pointer itself. */
        void arg(MemorySegment kernel, int index, MemorySegment pointer) {
            MemorySegment value = arena.allocateFrom(ValueLayout.ADDRESS, MemorySegment.ofAddress(pointer.address()));
            check(ze.module().zeKernelSetArgumentValue(kernel, index, ValueLayout.ADDRESS.byteSize(), value), "zeKernelSetArgumentValue(" + index + ")");
        }

        void launch(MemorySegment kernel, String name, int groupsX, int groupsY) {
            MemorySegment groups = arena.allocate(ZE_GROUP_COUNT);
            setInt(groups, ZE_GROUP_COUNT, "groupCountX", groupsX);
            setInt(groups, ZE_GROUP_COUNT, "groupCountY", groupsY);
            setInt(groups, ZE_GROUP_COUNT, "groupCountZ", 1);
            check(ze.context().zeCommandListReset(list), "zeCommandListReset");
            check(ze.context().zeCommandListAppendLaunchKernel(list, kernel, groups, event, 0, MemorySegment.NULL), "zeCommandListAppendLaunchKernel(" + name + ")");
            check(ze.context().zeCommandListAppendBarrier(list, MemorySegment.NULL, 0, MemorySegment.NULL), "zeCommandListAppendBarrier");
            check(ze.context().zeCommandListClose(list), "zeCommandListClose");
            check(ze.context().zeCommandQueueExecuteCommandLists(queue, 1, arena.allocateFrom(ValueLayout.ADDRESS, list), fence),
                    "zeCommandQueueExecuteCommandLists(" + name + ")");
            wait(ze.sync().zeFenceHostSynchronize(fence, TIMEOUT_NANOS), "zeFenceHostSynchronize(" + name + ")");
            wait(ze.sync().zeEventHostSynchronize(event, TIMEOUT_NANOS), "zeEventHostSynchronize(" + name + ")");
            check(ze.sync().zeFenceReset(fence), "zeFenceReset");
            check(ze.sync().zeEventHostReset(event), "zeEventHostReset");
        }

        private void wait(int rc, String call) {
            if (rc == ZE_RESULT_NOT_READY) throw new DeviceException(info.label() + ": " + call + " timed out after " + TIMEOUT_NANOS / 1_000_000_000L + " s");
            check(rc, call);
        }

        void readBack(MemorySegment staged, MemorySegment seg, Span span) {
            seg.asSlice(span.byteOffset(), span.byteLength()).copyFrom(staged);
        }

        @Override
        public void close() {
            DeviceException failure = null;
            for (MemorySegment mem : staging) {
                try {
                    free(mem);
                } catch (DeviceException e) {
                    if (failure == null) failure = e;
                }
            }
            arena.close();
            if (failure != null) throw failure;
        }
    }

    private boolean insideShared(MemorySegment host) {
        long from = host.address(), to = from + host.byteSize();
        for (MemorySegment mem : shared) if (from >= mem.address() && to <= mem.address() + mem.byteSize()) return true;
        return false;
    }

    // ---- lifecycle ----

    private void checkOpen() {
        if (closed) throw new IllegalStateException(info.label() + " is closed");
    }

    private void check(int rc, String call) {
        if (rc != ZE_RESULT_SUCCESS) throw new DeviceException(info.label() + ": " + call + " failed: " + resultName(rc));
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        String failure = releaseAll();
        if (failure != null) throw new DeviceException(info.label() + ": " + failure);
    }

    /** Destroys everything created so far, children before parents; returns the failures, or null. */
    private String releaseAll() {
        List<String> failures = new ArrayList<>();
        if (!queue.equals(MemorySegment.NULL)) note(failures, ze.context().zeCommandQueueSynchronize(queue, TIMEOUT_NANOS), "zeCommandQueueSynchronize");
        for (Map.Entry<String, MemorySegment> k : kernels.entrySet()) note(failures, ze.module().zeKernelDestroy(k.getValue()), "zeKernelDestroy(" + k.getKey() + ")");
        kernels.clear();
        if (!module.equals(MemorySegment.NULL)) note(failures, ze.module().zeModuleDestroy(module), "zeModuleDestroy");
        if (!event.equals(MemorySegment.NULL)) note(failures, ze.sync().zeEventDestroy(event), "zeEventDestroy");
        if (!eventPool.equals(MemorySegment.NULL)) note(failures, ze.sync().zeEventPoolDestroy(eventPool), "zeEventPoolDestroy");
        if (!fence.equals(MemorySegment.NULL)) note(failures, ze.sync().zeFenceDestroy(fence), "zeFenceDestroy");
        if (!list.equals(MemorySegment.NULL)) note(failures, ze.context().zeCommandListDestroy(list), "zeCommandListDestroy");
        if (!queue.equals(MemorySegment.NULL)) note(failures, ze.context().zeCommandQueueDestroy(queue), "zeCommandQueueDestroy");
        for (MemorySegment mem : shared) note(failures, ze.memory().zeMemFree(context, MemorySegment.ofAddress(mem.address())), "zeMemFree");
        shared.clear();
        if (!context.equals(MemorySegment.NULL)) note(failures, ze.context().zeContextDestroy(context), "zeContextDestroy");
        module = event = eventPool = fence = list = queue = context = MemorySegment.NULL;
        if (handles.scope().isAlive()) handles.close();
        return failures.isEmpty() ? null : String.join("; ", failures);
    }

    private static void note(List<String> failures, int rc, String call) {
        if (rc != ZE_RESULT_SUCCESS) failures.add(call + " failed: " + resultName(rc));
    }
}
