package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.opencl.ClConstants.*;

import dev.fastdraft.engine.device.BackendReport;
import dev.fastdraft.engine.device.ComputeDevice;
import dev.fastdraft.engine.device.Device;
import dev.fastdraft.engine.device.DeviceBackend;
import dev.fastdraft.engine.device.DeviceException;
import dev.fastdraft.engine.device.DeviceType;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenCL through the ICD loader: every device of every platform (never just platform 0), numbered in
 * platform order. Probing loads libOpenCL lazily, so a machine without it only gets a reason.
 */
public final class OpenClBackend implements DeviceBackend {
    public static final String NAME = "opencl";

    /** A found device with the handles needed to open it. Platform and device ids live as long as the ICD. */
    record Entry(MemorySegment platform, MemorySegment device, Device info, ProgramForm preferred) {}

    private OpenCl cl;
    private List<Entry> entries;
    private BackendReport report;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized BackendReport probe() {
        if (report == null) report = enumerate();
        return report;
    }

    private BackendReport enumerate() {
        try {
            cl = OpenCl.load();
        } catch (NativeLibrary.Missing e) {
            entries = List.of();
            return BackendReport.none(NAME, "no OpenCL ICD loader: " + e.getMessage()
                    + "; install ocl-icd-libopencl1 and a driver (pocl-opencl-icd, intel-opencl-icd)");
        }
        ClInfo info = new ClInfo(cl);
        List<Entry> found = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int rc = cl.platforms().clGetPlatformIDs(0, MemorySegment.NULL, count);
            int platforms = rc == CL_SUCCESS ? count.get(ValueLayout.JAVA_INT, 0) : 0;
            if (rc == CL_PLATFORM_NOT_FOUND_KHR || (rc == CL_SUCCESS && platforms == 0)) {
                entries = List.of();
                return BackendReport.none(NAME, "no OpenCL driver: " + cl.library()
                        + " found no platform (no usable .icd under /etc/OpenCL/vendors; Debian: pocl-opencl-icd or intel-opencl-icd)");
            }
            if (rc != CL_SUCCESS) {
                entries = List.of();
                return BackendReport.none(NAME, "clGetPlatformIDs failed: " + errorName(rc));
            }
            MemorySegment ids = arena.allocate(ValueLayout.ADDRESS, platforms);
            rc = cl.platforms().clGetPlatformIDs(platforms, ids, MemorySegment.NULL);
            if (rc != CL_SUCCESS) {
                entries = List.of();
                return BackendReport.none(NAME, "clGetPlatformIDs failed: " + errorName(rc));
            }
            for (int p = 0; p < platforms; p++) {
                MemorySegment platform = ids.getAtIndex(ValueLayout.ADDRESS, p);
                String pname = safe(() -> info.platformString(platform, CL_PLATFORM_NAME), "platform " + p);
                String pversion = safe(() -> info.platformString(platform, CL_PLATFORM_VERSION), "");
                rc = cl.devices().clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
                if (rc == CL_DEVICE_NOT_FOUND || (rc == CL_SUCCESS && count.get(ValueLayout.JAVA_INT, 0) == 0)) {
                    notes.add("platform '" + pname + "' has no device");
                    continue;
                }
                if (rc != CL_SUCCESS) {
                    notes.add("platform '" + pname + "': clGetDeviceIDs failed: " + errorName(rc));
                    continue;
                }
                int n = count.get(ValueLayout.JAVA_INT, 0);
                MemorySegment devs = arena.allocate(ValueLayout.ADDRESS, n);
                rc = cl.devices().clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, n, devs, MemorySegment.NULL);
                if (rc != CL_SUCCESS) {
                    notes.add("platform '" + pname + "': clGetDeviceIDs failed: " + errorName(rc));
                    continue;
                }
                for (int d = 0; d < n; d++) {
                    MemorySegment device = devs.getAtIndex(ValueLayout.ADDRESS, d);
                    try {
                        found.add(describe(info, platform, device, found.size(), pname, pversion));
                    } catch (DeviceException e) {
                        notes.add("platform '" + pname + "' device " + d + ": " + e.getMessage());
                    }
                }
            }
        }
        entries = List.copyOf(found);
        if (found.isEmpty()) return BackendReport.none(NAME, String.join("; ", notes));
        return BackendReport.found(NAME, found.stream().map(Entry::info).toList());
    }

    private static Entry describe(ClInfo info, MemorySegment platform, MemorySegment device, int index, String pname, String pversion) {
        String name = info.deviceString(device, CL_DEVICE_NAME);
        long typeBits = info.deviceLong(device, CL_DEVICE_TYPE);
        long memory = info.deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        String driver = info.deviceString(device, CL_DRIVER_VERSION);
        int units = info.deviceInt(device, CL_DEVICE_MAX_COMPUTE_UNITS);
        boolean available = info.deviceInt(device, CL_DEVICE_AVAILABLE) != 0;
        String version = info.deviceString(device, CL_DEVICE_VERSION);
        String extensions = info.deviceString(device, CL_DEVICE_EXTENSIONS);
        // CL_DEVICE_IL_VERSION exists from OpenCL 2.1; older drivers answer CL_INVALID_VALUE
        String il = safe(() -> info.deviceString(device, CL_DEVICE_IL_VERSION), "");
        ProgramForm preferred = il.contains("SPIR-V") ? ProgramForm.SPIRV
                : extensions.contains("cl_khr_spir") ? ProgramForm.SPIR : ProgramForm.SOURCE;
        String details = "platform '" + pname + "' (" + pversion + "), " + version + ", " + units + " compute units"
                + (available ? "" : ", NOT AVAILABLE") + ", kernels as " + describe(preferred);
        return new Entry(platform, device, new Device(NAME, index, name, typeOf(typeBits), memory, driver, details), preferred);
    }

    static String describe(ProgramForm form) {
        return switch (form) {
            case SPIRV -> "SPIR-V";
            case SPIR -> "SPIR 1.2 bitcode (cl_khr_spir)";
            case SOURCE -> "OpenCL C source";
        };
    }

    private static DeviceType typeOf(long bits) {
        if ((bits & CL_DEVICE_TYPE_GPU) != 0) return DeviceType.GPU;
        if ((bits & CL_DEVICE_TYPE_ACCELERATOR) != 0) return DeviceType.ACCELERATOR;
        if ((bits & CL_DEVICE_TYPE_CPU) != 0) return DeviceType.CPU;
        return DeviceType.OTHER;
    }

    private interface Query {
        String get();
    }

    private static String safe(Query q, String fallback) {
        try {
            return q.get();
        } catch (DeviceException e) {
            return fallback;
        }
    }

    /** Opens device {@code index}, loading kernels in the best form it takes (SPIR-V, else SPIR 1.2, else source). */
    @Override
    public ComputeDevice open(int index) {
        return open(index, null);
    }

    /** Opens device {@code index} with the kernels in {@code form}; null picks the best form and falls back on build failure. */
    public synchronized ComputeDevice open(int index, ProgramForm form) {
        BackendReport r = probe();
        if (index < 0 || index >= entries.size()) {
            throw new DeviceException("no device " + NAME + ":" + index + ": "
                    + (r.available() ? "OpenCL has " + entries.size() + " device(s), numbered from 0" : r.whyNone()));
        }
        Entry e = entries.get(index);
        return new OpenClDevice(cl, e.platform(), e.device(), e.info(), form == null ? e.preferred() : form, form == null);
    }
}
