package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.opencl.ClConstants.*;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opened OpenCL device: one context, one in-order queue, the matmul program and its kernels.
 *
 * <p>Memory: native inputs are wrapped in place with CL_MEM_USE_HOST_PTR (on unified-memory devices such
 * as PoCL and Intel iGPUs the kernel reads the engine's memory itself); heap inputs, and inputs a driver
 * refuses to wrap, are staged through a copy. Outputs always go through a device buffer initialised from
 * the caller's memory and are read back only after the kernel completed, so a failed call leaves them untouched.
 */
final class OpenClDevice implements ComputeDevice {
    private static final int CL_CONTEXT_PLATFORM = 0x1084;

    private final OpenCl cl;
    private final Device info;
    private final MemorySegment deviceId;
    private final Arena handles = Arena.ofShared();
    private final MemorySegment deviceList;
    private MemorySegment context = MemorySegment.NULL;
    private MemorySegment queue = MemorySegment.NULL;
    private MemorySegment program = MemorySegment.NULL;
    private final Map<String, MemorySegment> kernels = new LinkedHashMap<>();
    private ProgramForm form;
    private long staged;
    private boolean closed;

    OpenClDevice(OpenCl cl, MemorySegment platform, MemorySegment deviceId, Device info, ProgramForm form, boolean fallBack) {
        this.cl = cl;
        this.info = info;
        this.deviceId = deviceId;
        this.deviceList = handles.allocateFrom(ValueLayout.ADDRESS, deviceId);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment props = arena.allocate(ValueLayout.JAVA_LONG, 3);
            props.setAtIndex(ValueLayout.JAVA_LONG, 0, CL_CONTEXT_PLATFORM);
            props.setAtIndex(ValueLayout.JAVA_LONG, 1, platform.address());
            props.setAtIndex(ValueLayout.JAVA_LONG, 2, 0);
            context = cl.contexts().clCreateContext(props, 1, deviceList, MemorySegment.NULL, MemorySegment.NULL, err);
            check(err.get(ValueLayout.JAVA_INT, 0), "clCreateContext");
            queue = cl.contexts().clCreateCommandQueue(context, deviceId, 0, err);
            check(err.get(ValueLayout.JAVA_INT, 0), "clCreateCommandQueue");
            buildProgram(form, fallBack);
            for (String name : List.of(KernelBinaries.SGEMM, KernelBinaries.GEMV_F32, KernelBinaries.GEMV_BF16, KernelBinaries.GEMV_F16)) {
                MemorySegment k = cl.programs().clCreateKernel(program, arena.allocateFrom(name), err);
                check(err.get(ValueLayout.JAVA_INT, 0), "clCreateKernel(" + name + ")");
                kernels.put(name, k);
            }
        } catch (RuntimeException e) {
            releaseAll();
            throw e;
        }
    }

    @Override
    public Device device() {
        return info;
    }

    /** The form the kernels were actually built from. */
    ProgramForm programForm() {
        return form;
    }

    @Override
    public synchronized long bytesCopied() {
        return staged;
    }

    @Override
    public synchronized MemorySegment allocateShared(long bytes) {
        checkOpen();
        if (bytes <= 0) throw new IllegalArgumentException(info.label() + ": allocateShared needs a positive size, got " + bytes);
        // page alignment lets drivers that pin host memory (Intel's) map it without a copy
        return handles.allocate(bytes, 4096);
    }

    // ---- program ----

    private void buildProgram(ProgramForm first, boolean fallBack) {
        List<ProgramForm> order = new ArrayList<>();
        order.add(first);
        if (fallBack) for (ProgramForm f : ProgramForm.values()) if (f.ordinal() > first.ordinal()) order.add(f);
        List<String> failures = new ArrayList<>();
        for (ProgramForm f : order) {
            try {
                program = build(f);
                form = f;
                return;
            } catch (DeviceException e) {
                failures.add(e.getMessage());
            }
        }
        throw new DeviceException(String.join("\n", failures));
    }

    private MemorySegment build(ProgramForm f) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment prog;
            String options;
            switch (f) {
                case SPIRV -> {
                    if (!cl.programs().hasCreateProgramWithIL())
                        throw new DeviceException(info.label() + ": clCreateProgramWithIL is missing from " + cl.library() + " (OpenCL < 2.1 loader)");
                    byte[] spv = KernelBinaries.read(KernelBinaries.SPIRV);
                    MemorySegment il = arena.allocate(spv.length, 8);
                    il.copyFrom(MemorySegment.ofArray(spv));
                    prog = cl.programs().clCreateProgramWithIL(context, il, spv.length, err);
                    check(err.get(ValueLayout.JAVA_INT, 0), "clCreateProgramWithIL(" + KernelBinaries.SPIRV + ")");
                    options = "";
                }
                case SPIR -> {
                    byte[] bc = KernelBinaries.read(KernelBinaries.SPIR12);
                    MemorySegment bin = arena.allocate(bc.length, 8);
                    bin.copyFrom(MemorySegment.ofArray(bc));
                    MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                    prog = cl.programs().clCreateProgramWithBinary(context, 1, deviceList,
                            arena.allocateFrom(ValueLayout.JAVA_LONG, bc.length), arena.allocateFrom(ValueLayout.ADDRESS, bin), status, err);
                    check(err.get(ValueLayout.JAVA_INT, 0), "clCreateProgramWithBinary(" + KernelBinaries.SPIR12 + ", binary status "
                            + errorName(status.get(ValueLayout.JAVA_INT, 0)) + ")");
                    options = "-x spir -spir-std=1.2";
                }
                case SOURCE -> {
                    byte[] src = KernelBinaries.read(KernelBinaries.SOURCE);
                    MemorySegment text = arena.allocateFrom(new String(src, StandardCharsets.UTF_8));
                    prog = cl.programs().clCreateProgramWithSource(context, 1, arena.allocateFrom(ValueLayout.ADDRESS, text), MemorySegment.NULL, err);
                    check(err.get(ValueLayout.JAVA_INT, 0), "clCreateProgramWithSource(" + KernelBinaries.SOURCE + ")");
                    options = "-cl-std=CL1.2";
                }
                default -> throw new IllegalStateException("unknown program form " + f);
            }
            int rc = cl.programs().clBuildProgram(prog, 1, deviceList, arena.allocateFrom(options), MemorySegment.NULL, MemorySegment.NULL);
            if (rc != CL_SUCCESS) {
                String log = buildLog(prog);
                cl.programs().clReleaseProgram(prog); // best effort: the build error is what matters
                throw new DeviceException(info.label() + ": clBuildProgram(" + OpenClBackend.describe(f) + ") failed: " + errorName(rc)
                        + (log.isBlank() ? " (empty build log)" : "; build log:\n" + log));
            }
            return prog;
        }
    }

    private String buildLog(MemorySegment prog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            int rc = cl.programs().clGetProgramBuildInfo(prog, deviceId, CL_PROGRAM_BUILD_LOG, 0, MemorySegment.NULL, size);
            if (rc != CL_SUCCESS) return "(clGetProgramBuildInfo failed: " + errorName(rc) + ")";
            long n = size.get(ValueLayout.JAVA_LONG, 0);
            if (n <= 1) return "";
            MemorySegment log = arena.allocate(n);
            rc = cl.programs().clGetProgramBuildInfo(prog, deviceId, CL_PROGRAM_BUILD_LOG, n, log, MemorySegment.NULL);
            if (rc != CL_SUCCESS) return "(clGetProgramBuildInfo failed: " + errorName(rc) + ")";
            return Downcalls.cString(log, 0, (int) Math.min(n, 1 << 20));
        }
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
            MemorySegment bufA = call.input(a, s[0]);
            MemorySegment bufB = call.input(b, s[1]);
            MemorySegment bufC = call.output(c, s[2]);
            MemorySegment kernel = kernels.get(KernelBinaries.SGEMM);
            int arg = 0;
            call.arg(kernel, arg++, m);
            call.arg(kernel, arg++, n);
            call.arg(kernel, arg++, k);
            call.arg(kernel, arg++, bufA);
            call.arg(kernel, arg++, transA ? 1 : lda);
            call.arg(kernel, arg++, transA ? lda : 1);
            call.arg(kernel, arg++, bufB);
            call.arg(kernel, arg++, transB ? 1 : ldb);
            call.arg(kernel, arg++, transB ? ldb : 1);
            call.arg(kernel, arg++, bufC);
            call.arg(kernel, arg++, ldc);
            call.arg(kernel, arg++, accumulate ? 1 : 0);
            long gx = (long) KernelBinaries.groups(n, KernelBinaries.SGEMM_TILE) * KernelBinaries.SGEMM_LOCAL_X;
            long gy = (long) KernelBinaries.groups(m, KernelBinaries.SGEMM_TILE) * KernelBinaries.SGEMM_LOCAL_Y;
            call.launch(kernel, KernelBinaries.SGEMM, new long[] {gx, gy}, new long[] {KernelBinaries.SGEMM_LOCAL_X, KernelBinaries.SGEMM_LOCAL_Y});
            call.readBack(bufC, c, s[2]);
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
            MemorySegment bufX = call.input(x, s[0]);
            MemorySegment bufW = call.input(w, s[1]);
            MemorySegment bufY = call.output(y, s[2]);
            MemorySegment kernel = kernels.get(name);
            int arg = 0;
            call.arg(kernel, arg++, rows);
            call.arg(kernel, arg++, n);
            call.arg(kernel, arg++, k);
            call.arg(kernel, arg++, bufX);
            call.arg(kernel, arg++, ldx);
            call.arg(kernel, arg++, bufW);
            call.arg(kernel, arg++, bufY);
            call.arg(kernel, arg++, ldy);
            call.arg(kernel, arg++, accumulate ? 1 : 0);
            call.launch(kernel, name, new long[] {(long) n * KernelBinaries.GEMV_LOCAL}, new long[] {KernelBinaries.GEMV_LOCAL});
            call.readBack(bufY, y, s[2]);
        }
    }

    /** The buffers and scratch memory of one operation, all released when it ends, whatever happened. */
    private final class Call implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final List<MemorySegment> buffers = new ArrayList<>();
        final MemorySegment err = arena.allocate(ValueLayout.JAVA_INT);

        MemorySegment input(MemorySegment seg, Span span) {
            MemorySegment host = seg.asSlice(span.byteOffset(), span.byteLength());
            if (host.isNative()) {
                MemorySegment mem = cl.memory().clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, host.byteSize(), host, err);
                if (err.get(ValueLayout.JAVA_INT, 0) == CL_SUCCESS) return keep(mem);
                // the driver will not wrap this memory (alignment, read-only mapping...): stage it instead
            }
            return keep(createFromCopy(CL_MEM_READ_ONLY, host));
        }

        MemorySegment output(MemorySegment seg, Span span) {
            // initialised from the caller's memory: keeps the accumulate input and the gaps of a strided C
            return keep(createFromCopy(CL_MEM_READ_WRITE, seg.asSlice(span.byteOffset(), span.byteLength())));
        }

        private MemorySegment createFromCopy(long flags, MemorySegment host) {
            MemorySegment src = host;
            if (!host.isNative()) {
                src = arena.allocate(host.byteSize(), 64);
                src.copyFrom(host);
            }
            staged += host.byteSize();
            MemorySegment mem = cl.memory().clCreateBuffer(context, flags | CL_MEM_COPY_HOST_PTR, host.byteSize(), src, err);
            check(err.get(ValueLayout.JAVA_INT, 0), "clCreateBuffer(" + host.byteSize() + " bytes)");
            return mem;
        }

        private MemorySegment keep(MemorySegment mem) {
            buffers.add(mem);
            return mem;
        }

        void arg(MemorySegment kernel, int index, int value) {
            check(cl.programs().clSetKernelArg(kernel, index, 4, arena.allocateFrom(ValueLayout.JAVA_INT, value)), "clSetKernelArg(" + index + ")");
        }

        void arg(MemorySegment kernel, int index, MemorySegment mem) {
            check(cl.programs().clSetKernelArg(kernel, index, ValueLayout.ADDRESS.byteSize(), arena.allocateFrom(ValueLayout.ADDRESS, mem)),
                    "clSetKernelArg(" + index + ")");
        }

        void launch(MemorySegment kernel, String name, long[] global, long[] local) {
            MemorySegment event = arena.allocate(ValueLayout.ADDRESS);
            check(cl.execution().clEnqueueNDRangeKernel(queue, kernel, global.length, MemorySegment.NULL,
                    arena.allocateFrom(ValueLayout.JAVA_LONG, global), arena.allocateFrom(ValueLayout.JAVA_LONG, local),
                    0, MemorySegment.NULL, event), "clEnqueueNDRangeKernel(" + name + ")");
            MemorySegment handle = event.get(ValueLayout.ADDRESS, 0);
            try {
                check(cl.execution().clWaitForEvents(1, event), "clWaitForEvents(" + name + ")");
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                check(cl.execution().clGetEventInfo(handle, CL_EVENT_COMMAND_EXECUTION_STATUS, 4, status, MemorySegment.NULL), "clGetEventInfo(" + name + ")");
                int st = status.get(ValueLayout.JAVA_INT, 0);
                if (st != CL_COMPLETE) throw new DeviceException(info.label() + ": kernel " + name + " ended with status " + errorName(st));
            } finally {
                check(cl.execution().clReleaseEvent(handle), "clReleaseEvent");
            }
        }

        void readBack(MemorySegment mem, MemorySegment seg, Span span) {
            MemorySegment host = seg.asSlice(span.byteOffset(), span.byteLength());
            MemorySegment dst = host.isNative() ? host : arena.allocate(host.byteSize(), 64);
            check(cl.memory().clEnqueueReadBuffer(queue, mem, CL_TRUE, 0, host.byteSize(), dst, 0, MemorySegment.NULL, MemorySegment.NULL),
                    "clEnqueueReadBuffer(" + host.byteSize() + " bytes)");
            if (dst != host) host.copyFrom(dst);
        }

        @Override
        public void close() {
            int firstFailure = CL_SUCCESS;
            for (MemorySegment mem : buffers) {
                int rc = cl.memory().clReleaseMemObject(mem);
                if (firstFailure == CL_SUCCESS) firstFailure = rc;
            }
            arena.close();
            check(firstFailure, "clReleaseMemObject");
        }
    }

    // ---- lifecycle ----

    private void checkOpen() {
        if (closed) throw new IllegalStateException(info.label() + " is closed");
    }

    private void check(int rc, String call) {
        if (rc != CL_SUCCESS) throw new DeviceException(info.label() + ": " + call + " failed: " + errorName(rc));
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        String failure = releaseAll();
        if (failure != null) throw new DeviceException(info.label() + ": " + failure);
    }

    /** Releases everything created so far; returns the first failure, or null. */
    private String releaseAll() {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, MemorySegment> k : kernels.entrySet()) {
            int rc = cl.programs().clReleaseKernel(k.getValue());
            if (rc != CL_SUCCESS) failures.add("clReleaseKernel(" + k.getKey() + ") failed: " + errorName(rc));
        }
        kernels.clear();
        if (!program.equals(MemorySegment.NULL)) {
            int rc = cl.programs().clReleaseProgram(program);
            if (rc != CL_SUCCESS) failures.add("clReleaseProgram failed: " + errorName(rc));
        }
        if (!queue.equals(MemorySegment.NULL)) {
            int rc = cl.contexts().clFinish(queue);
            if (rc != CL_SUCCESS) failures.add("clFinish failed: " + errorName(rc));
            rc = cl.contexts().clReleaseCommandQueue(queue);
            if (rc != CL_SUCCESS) failures.add("clReleaseCommandQueue failed: " + errorName(rc));
        }
        if (!context.equals(MemorySegment.NULL)) {
            int rc = cl.contexts().clReleaseContext(context);
            if (rc != CL_SUCCESS) failures.add("clReleaseContext failed: " + errorName(rc));
        }
        program = queue = context = MemorySegment.NULL;
        if (handles.scope().isAlive()) handles.close();
        return failures.isEmpty() ? null : String.join("; ", failures);
    }
}
