package dev.fastdraft.engine.device.levelzero;

import java.util.Map;

/** The ze_api.h values the backend uses (checked against the real header by LevelZeroLayoutTest). */
public final class ZeConstants {
    private ZeConstants() {}

    public static final int ZE_RESULT_SUCCESS = 0;
    public static final int ZE_RESULT_NOT_READY = 1;
    public static final int ZE_RESULT_ERROR_UNINITIALIZED = 0x78000001;
    public static final int ZE_RESULT_ERROR_INVALID_NULL_HANDLE = 0x78000005;
    public static final int ZE_RESULT_ERROR_MODULE_BUILD_FAILURE = 0x70000004;

    public static final int ZE_STRUCTURE_TYPE_DRIVER_PROPERTIES = 0x1;
    public static final int ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES = 0x3;
    public static final int ZE_STRUCTURE_TYPE_DEVICE_COMPUTE_PROPERTIES = 0x4;
    public static final int ZE_STRUCTURE_TYPE_COMMAND_QUEUE_GROUP_PROPERTIES = 0x6;
    public static final int ZE_STRUCTURE_TYPE_DEVICE_MEMORY_PROPERTIES = 0x7;
    public static final int ZE_STRUCTURE_TYPE_CONTEXT_DESC = 0xd;
    public static final int ZE_STRUCTURE_TYPE_COMMAND_QUEUE_DESC = 0xe;
    public static final int ZE_STRUCTURE_TYPE_COMMAND_LIST_DESC = 0xf;
    public static final int ZE_STRUCTURE_TYPE_EVENT_POOL_DESC = 0x10;
    public static final int ZE_STRUCTURE_TYPE_EVENT_DESC = 0x11;
    public static final int ZE_STRUCTURE_TYPE_FENCE_DESC = 0x12;
    public static final int ZE_STRUCTURE_TYPE_DEVICE_MEM_ALLOC_DESC = 0x15;
    public static final int ZE_STRUCTURE_TYPE_HOST_MEM_ALLOC_DESC = 0x16;
    public static final int ZE_STRUCTURE_TYPE_MODULE_DESC = 0x1b;
    public static final int ZE_STRUCTURE_TYPE_KERNEL_DESC = 0x1d;

    public static final int ZE_DEVICE_TYPE_GPU = 1;
    public static final int ZE_DEVICE_TYPE_CPU = 2;
    public static final int ZE_DEVICE_TYPE_FPGA = 3;
    public static final int ZE_DEVICE_TYPE_MCA = 4;
    /** Intel's NPU reports itself as a VPU. */
    public static final int ZE_DEVICE_TYPE_VPU = 5;

    public static final int ZE_COMMAND_QUEUE_GROUP_PROPERTY_FLAG_COMPUTE = 1;
    public static final int ZE_COMMAND_QUEUE_MODE_ASYNCHRONOUS = 2;
    public static final int ZE_COMMAND_QUEUE_PRIORITY_NORMAL = 0;
    public static final int ZE_MODULE_FORMAT_IL_SPIRV = 0;
    public static final int ZE_EVENT_POOL_FLAG_HOST_VISIBLE = 1;
    public static final int ZE_EVENT_SCOPE_FLAG_HOST = 4;

    public static final long UINT64_MAX = -1L;

    /** The NPU's graph extension (ze_graph_ext.h, shipped with Intel's NPU driver, not with the loader). */
    public static final String GRAPH_EXTENSION_PREFIX = "ZE_extension_graph";

    private static final Map<Integer, String> RESULTS = Map.ofEntries(
            Map.entry(0, "ZE_RESULT_SUCCESS"), Map.entry(1, "ZE_RESULT_NOT_READY"),
            Map.entry(0x70000001, "ZE_RESULT_ERROR_DEVICE_LOST"), Map.entry(0x70000002, "ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY"),
            Map.entry(0x70000003, "ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY"), Map.entry(0x70000004, "ZE_RESULT_ERROR_MODULE_BUILD_FAILURE"),
            Map.entry(0x70000005, "ZE_RESULT_ERROR_MODULE_LINK_FAILURE"), Map.entry(0x70000006, "ZE_RESULT_ERROR_DEVICE_REQUIRES_RESET"),
            Map.entry(0x70000007, "ZE_RESULT_ERROR_DEVICE_IN_LOW_POWER_STATE"),
            Map.entry(0x70010000, "ZE_RESULT_ERROR_INSUFFICIENT_PERMISSIONS"), Map.entry(0x70010001, "ZE_RESULT_ERROR_NOT_AVAILABLE"),
            Map.entry(0x70020000, "ZE_RESULT_ERROR_DEPENDENCY_UNAVAILABLE"),
            Map.entry(0x78000001, "ZE_RESULT_ERROR_UNINITIALIZED"), Map.entry(0x78000002, "ZE_RESULT_ERROR_UNSUPPORTED_VERSION"),
            Map.entry(0x78000003, "ZE_RESULT_ERROR_UNSUPPORTED_FEATURE"), Map.entry(0x78000004, "ZE_RESULT_ERROR_INVALID_ARGUMENT"),
            Map.entry(0x78000005, "ZE_RESULT_ERROR_INVALID_NULL_HANDLE"), Map.entry(0x78000006, "ZE_RESULT_ERROR_HANDLE_OBJECT_IN_USE"),
            Map.entry(0x78000007, "ZE_RESULT_ERROR_INVALID_NULL_POINTER"), Map.entry(0x78000008, "ZE_RESULT_ERROR_INVALID_SIZE"),
            Map.entry(0x78000009, "ZE_RESULT_ERROR_UNSUPPORTED_SIZE"), Map.entry(0x7800000a, "ZE_RESULT_ERROR_UNSUPPORTED_ALIGNMENT"),
            Map.entry(0x7800000b, "ZE_RESULT_ERROR_INVALID_SYNCHRONIZATION_OBJECT"),
            Map.entry(0x7800000c, "ZE_RESULT_ERROR_INVALID_ENUMERATION"), Map.entry(0x7800000d, "ZE_RESULT_ERROR_UNSUPPORTED_ENUMERATION"),
            Map.entry(0x7800000f, "ZE_RESULT_ERROR_INVALID_NATIVE_BINARY"), Map.entry(0x78000011, "ZE_RESULT_ERROR_INVALID_KERNEL_NAME"),
            Map.entry(0x78000013, "ZE_RESULT_ERROR_INVALID_GROUP_SIZE_DIMENSION"),
            Map.entry(0x78000015, "ZE_RESULT_ERROR_INVALID_KERNEL_ARGUMENT_INDEX"),
            Map.entry(0x78000016, "ZE_RESULT_ERROR_INVALID_KERNEL_ARGUMENT_SIZE"),
            Map.entry(0x7ffffffe, "ZE_RESULT_ERROR_UNKNOWN"));

    /** {@code ZE_RESULT_ERROR_UNINITIALIZED (0x78000001)}. */
    public static String resultName(int code) {
        return RESULTS.getOrDefault(code, "ze_result_t") + " (0x" + Integer.toHexString(code) + ")";
    }
}
