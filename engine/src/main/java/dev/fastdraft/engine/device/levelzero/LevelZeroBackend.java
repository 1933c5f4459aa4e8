package dev.fastdraft.engine.device.levelzero;

import static dev.fastdraft.engine.device.levelzero.ZeConstants.*;
import static dev.fastdraft.engine.device.levelzero.ZeStructs.*;

import dev.fastdraft.engine.device.BackendReport;
import dev.fastdraft.engine.device.ComputeDevice;
import dev.fastdraft.engine.device.Device;
import dev.fastdraft.engine.device.DeviceBackend;
import dev.fastdraft.engine.device.DeviceException;
import dev.fastdraft.engine.device.DeviceType;
import dev.fastdraft.engine.device.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Level Zero through the loader: GPUs run the SPIR-V matmul kernels; NPUs (type VPU) are listed, with
 * their graph extension, but cannot run SPIR-V kernels (see engine/README-devices.md).
 */
public final class LevelZeroBackend implements DeviceBackend {
    public static final String NAME = "levelzero";

    record Entry(MemorySegment driver, MemorySegment device, Device info, boolean runsKernels) {}

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
        entries = List.of();
        ZeRuntime.State st = ZeRuntime.get();
        if (st.api() == null) return BackendReport.none(NAME, st.failure());
        LevelZero ze = st.api();
        List<Entry> found = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int rc = ze.driver().zeDriverGet(count, MemorySegment.NULL);
            if (rc != ZE_RESULT_SUCCESS) return BackendReport.none(NAME, "zeDriverGet failed: " + resultName(rc));
            int drivers = count.get(ValueLayout.JAVA_INT, 0);
            if (drivers == 0) return BackendReport.none(NAME, "zeInit succeeded but the loader reports no driver");
            MemorySegment driverIds = arena.allocate(ValueLayout.ADDRESS, drivers);
            rc = ze.driver().zeDriverGet(count, driverIds);
            if (rc != ZE_RESULT_SUCCESS) return BackendReport.none(NAME, "zeDriverGet failed: " + resultName(rc));
            for (int d = 0; d < drivers; d++) {
                MemorySegment driver = driverIds.getAtIndex(ValueLayout.ADDRESS, d);
                try {
                    DriverInfo driverInfo = describeDriver(ze, arena, driver, d);
                    rc = ze.device().zeDeviceGet(driver, count, MemorySegment.NULL);
                    if (rc != ZE_RESULT_SUCCESS) {
                        notes.add("driver " + d + ": zeDeviceGet failed: " + resultName(rc));
                        continue;
                    }
                    int n = count.get(ValueLayout.JAVA_INT, 0);
                    if (n == 0) {
                        notes.add("driver " + d + " has no device");
                        continue;
                    }
                    MemorySegment deviceIds = arena.allocate(ValueLayout.ADDRESS, n);
                    rc = ze.device().zeDeviceGet(driver, count, deviceIds);
                    if (rc != ZE_RESULT_SUCCESS) {
                        notes.add("driver " + d + ": zeDeviceGet failed: " + resultName(rc));
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        found.add(describeDevice(ze, arena, driver, deviceIds.getAtIndex(ValueLayout.ADDRESS, i), found.size(), driverInfo));
                    }
                } catch (DeviceException e) {
                    notes.add("driver " + d + ": " + e.getMessage());
                }
            }
        }
        entries = List.copyOf(found);
        if (found.isEmpty()) return BackendReport.none(NAME, String.join("; ", notes));
        return BackendReport.found(NAME, found.stream().map(Entry::info).toList());
    }

    /** A driver's description for the details column, and its version number alone. */
    private record DriverInfo(String text, String version) {}

    /** "API 1.4, version N, extensions..." with the NPU graph extension called out when present. */
    private static DriverInfo describeDriver(LevelZero ze, Arena arena, MemorySegment driver, int index) {
        MemorySegment version = arena.allocate(ValueLayout.JAVA_INT);
        check(ze.driver().zeDriverGetApiVersion(driver, version), "zeDriverGetApiVersion");
        int api = version.get(ValueLayout.JAVA_INT, 0);
        MemorySegment props = arena.allocate(ZE_DRIVER_PROPERTIES);
        setInt(props, ZE_DRIVER_PROPERTIES, "stype", ZE_STRUCTURE_TYPE_DRIVER_PROPERTIES);
        check(ze.driver().zeDriverGetProperties(driver, props), "zeDriverGetProperties");
        int driverVersion = getInt(props, ZE_DRIVER_PROPERTIES, "driverVersion");
        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        check(ze.driver().zeDriverGetExtensionProperties(driver, count, MemorySegment.NULL), "zeDriverGetExtensionProperties");
        int n = count.get(ValueLayout.JAVA_INT, 0);
        List<String> graph = new ArrayList<>();
        if (n > 0) {
            MemorySegment ext = arena.allocate(ZE_DRIVER_EXTENSION_PROPERTIES, n);
            check(ze.driver().zeDriverGetExtensionProperties(driver, count, ext), "zeDriverGetExtensionProperties");
            for (int i = 0; i < count.get(ValueLayout.JAVA_INT, 0); i++) {
                MemorySegment e = ext.asSlice(i * ZE_DRIVER_EXTENSION_PROPERTIES.byteSize(), ZE_DRIVER_EXTENSION_PROPERTIES);
                String name = Downcalls.cString(e, offset(ZE_DRIVER_EXTENSION_PROPERTIES, "name"), 256);
                if (name.startsWith(GRAPH_EXTENSION_PREFIX)) graph.add(name + " v" + versionString(getInt(e, ZE_DRIVER_EXTENSION_PROPERTIES, "version")));
            }
        }
        String v = Integer.toUnsignedString(driverVersion);
        return new DriverInfo("driver " + index + " (API " + versionString(api) + ", driver version " + v + ", " + n + " extensions"
                + (graph.isEmpty() ? "" : ", graph extension " + String.join(", ", graph)) + ")", v);
    }

    private static Entry describeDevice(LevelZero ze, Arena arena, MemorySegment driver, MemorySegment device, int index, DriverInfo driverInfo) {
        MemorySegment props = arena.allocate(ZE_DEVICE_PROPERTIES);
        setInt(props, ZE_DEVICE_PROPERTIES, "stype", ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES);
        check(ze.device().zeDeviceGetProperties(device, props), "zeDeviceGetProperties");
        int type = getInt(props, ZE_DEVICE_PROPERTIES, "type");
        String name = Downcalls.cString(props, offset(ZE_DEVICE_PROPERTIES, "name"), 256);
        int vendor = getInt(props, ZE_DEVICE_PROPERTIES, "vendorId");
        int eus = getInt(props, ZE_DEVICE_PROPERTIES, "numSlices") * getInt(props, ZE_DEVICE_PROPERTIES, "numSubslicesPerSlice")
                * getInt(props, ZE_DEVICE_PROPERTIES, "numEUsPerSubslice");

        MemorySegment compute = arena.allocate(ZE_DEVICE_COMPUTE_PROPERTIES);
        setInt(compute, ZE_DEVICE_COMPUTE_PROPERTIES, "stype", ZE_STRUCTURE_TYPE_DEVICE_COMPUTE_PROPERTIES);
        check(ze.device().zeDeviceGetComputeProperties(device, compute), "zeDeviceGetComputeProperties");
        int maxGroup = getInt(compute, ZE_DEVICE_COMPUTE_PROPERTIES, "maxTotalGroupSize");

        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        check(ze.device().zeDeviceGetMemoryProperties(device, count, MemorySegment.NULL), "zeDeviceGetMemoryProperties");
        long memory = 0;
        int n = count.get(ValueLayout.JAVA_INT, 0);
        if (n > 0) {
            MemorySegment mem = arena.allocate(ZE_DEVICE_MEMORY_PROPERTIES, n);
            for (int i = 0; i < n; i++)
                mem.set(ValueLayout.JAVA_INT, i * ZE_DEVICE_MEMORY_PROPERTIES.byteSize(), ZE_STRUCTURE_TYPE_DEVICE_MEMORY_PROPERTIES);
            check(ze.device().zeDeviceGetMemoryProperties(device, count, mem), "zeDeviceGetMemoryProperties");
            for (int i = 0; i < count.get(ValueLayout.JAVA_INT, 0); i++)
                memory += mem.get(ValueLayout.JAVA_LONG, i * ZE_DEVICE_MEMORY_PROPERTIES.byteSize() + offset(ZE_DEVICE_MEMORY_PROPERTIES, "totalSize"));
        }
        DeviceType dt = switch (type) {
            case ZE_DEVICE_TYPE_GPU -> DeviceType.GPU;
            case ZE_DEVICE_TYPE_VPU -> DeviceType.NPU;
            case ZE_DEVICE_TYPE_CPU -> DeviceType.CPU;
            case ZE_DEVICE_TYPE_FPGA, ZE_DEVICE_TYPE_MCA -> DeviceType.ACCELERATOR;
            default -> DeviceType.OTHER;
        };
        boolean runsKernels = dt != DeviceType.NPU;
        String details = driverInfo.text() + ", vendor 0x" + Integer.toHexString(vendor) + ", " + eus + " EUs, max group " + maxGroup
                + (runsKernels ? ", kernels as SPIR-V" : ", runs graphs (ZE_extension_graph), not SPIR-V kernels");
        return new Entry(driver, device, new Device(NAME, index, name, dt, memory, driverInfo.version(), details), runsKernels);
    }

    static String versionString(int v) {
        return (v >>> 16) + "." + (v & 0xffff);
    }

    private static void check(int rc, String call) {
        if (rc != ZE_RESULT_SUCCESS) throw new DeviceException(call + " failed: " + resultName(rc));
    }

    @Override
    public synchronized ComputeDevice open(int index) {
        BackendReport r = probe();
        if (index < 0 || index >= entries.size()) {
            throw new DeviceException("no device " + NAME + ":" + index + ": "
                    + (r.available() ? "Level Zero has " + entries.size() + " device(s), numbered from 0" : r.whyNone()));
        }
        Entry e = entries.get(index);
        if (!e.runsKernels()) {
            throw new DeviceException(e.info().label() + " is an NPU: it runs compiled graphs through the Level Zero graph extension, "
                    + "not SPIR-V kernels, so FastDraft cannot offload matmuls to it yet (see engine/README-devices.md)");
        }
        return new LevelZeroDevice(ZeRuntime.get().api(), e.driver(), e.device(), e.info());
    }
}
