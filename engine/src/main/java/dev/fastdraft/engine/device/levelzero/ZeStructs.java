package dev.fastdraft.engine.device.levelzero;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The ze_api.h structs the backend passes, written out by hand for x86-64 (LP64): enums and uint32_t
 * are 4 bytes, size_t and pointers 8, with the padding the C compiler inserts. Field names are the C
 * names, and LevelZeroLayoutTest compiles a C program against the real header to check every
 * size and offset.
 */
public final class ZeStructs {
    private ZeStructs() {}

    private static final MemoryLayout PAD4 = paddingLayout(4);

    public static final StructLayout ZE_DRIVER_PROPERTIES = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            sequenceLayout(16, JAVA_BYTE).withName("uuid"), JAVA_INT.withName("driverVersion"), PAD4)
            .withName("ze_driver_properties_t");

    public static final StructLayout ZE_DRIVER_EXTENSION_PROPERTIES = structLayout(
            sequenceLayout(256, JAVA_BYTE).withName("name"), JAVA_INT.withName("version"))
            .withName("ze_driver_extension_properties_t");

    public static final StructLayout ZE_DEVICE_PROPERTIES = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("type"), JAVA_INT.withName("vendorId"), JAVA_INT.withName("deviceId"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("subdeviceId"), JAVA_INT.withName("coreClockRate"), JAVA_LONG.withName("maxMemAllocSize"),
            JAVA_INT.withName("maxHardwareContexts"), JAVA_INT.withName("maxCommandQueuePriority"),
            JAVA_INT.withName("numThreadsPerEU"), JAVA_INT.withName("physicalEUSimdWidth"), JAVA_INT.withName("numEUsPerSubslice"),
            JAVA_INT.withName("numSubslicesPerSlice"), JAVA_INT.withName("numSlices"), PAD4,
            JAVA_LONG.withName("timerResolution"), JAVA_INT.withName("timestampValidBits"), JAVA_INT.withName("kernelTimestampValidBits"),
            sequenceLayout(16, JAVA_BYTE).withName("uuid"), sequenceLayout(256, JAVA_BYTE).withName("name"))
            .withName("ze_device_properties_t");

    public static final StructLayout ZE_DEVICE_COMPUTE_PROPERTIES = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("maxTotalGroupSize"), JAVA_INT.withName("maxGroupSizeX"), JAVA_INT.withName("maxGroupSizeY"),
            JAVA_INT.withName("maxGroupSizeZ"), JAVA_INT.withName("maxGroupCountX"), JAVA_INT.withName("maxGroupCountY"),
            JAVA_INT.withName("maxGroupCountZ"), JAVA_INT.withName("maxSharedLocalMemory"), JAVA_INT.withName("numSubGroupSizes"),
            sequenceLayout(8, JAVA_INT).withName("subGroupSizes"), PAD4)
            .withName("ze_device_compute_properties_t");

    public static final StructLayout ZE_DEVICE_MEMORY_PROPERTIES = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("maxClockRate"), JAVA_INT.withName("maxBusWidth"), PAD4,
            JAVA_LONG.withName("totalSize"), sequenceLayout(256, JAVA_BYTE).withName("name"))
            .withName("ze_device_memory_properties_t");

    public static final StructLayout ZE_COMMAND_QUEUE_GROUP_PROPERTIES = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("flags"), PAD4, JAVA_LONG.withName("maxMemoryFillPatternSize"), JAVA_INT.withName("numQueues"), PAD4)
            .withName("ze_command_queue_group_properties_t");

    public static final StructLayout ZE_CONTEXT_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"), JAVA_INT.withName("flags"), PAD4)
            .withName("ze_context_desc_t");

    public static final StructLayout ZE_COMMAND_QUEUE_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("ordinal"), JAVA_INT.withName("index"), JAVA_INT.withName("flags"), JAVA_INT.withName("mode"),
            JAVA_INT.withName("priority"), PAD4)
            .withName("ze_command_queue_desc_t");

    public static final StructLayout ZE_COMMAND_LIST_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("commandQueueGroupOrdinal"), JAVA_INT.withName("flags"))
            .withName("ze_command_list_desc_t");

    public static final StructLayout ZE_MODULE_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("format"), PAD4, JAVA_LONG.withName("inputSize"), ADDRESS.withName("pInputModule"),
            ADDRESS.withName("pBuildFlags"), ADDRESS.withName("pConstants"))
            .withName("ze_module_desc_t");

    public static final StructLayout ZE_KERNEL_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"), JAVA_INT.withName("flags"), PAD4, ADDRESS.withName("pKernelName"))
            .withName("ze_kernel_desc_t");

    public static final StructLayout ZE_GROUP_COUNT = structLayout(
            JAVA_INT.withName("groupCountX"), JAVA_INT.withName("groupCountY"), JAVA_INT.withName("groupCountZ"))
            .withName("ze_group_count_t");

    public static final StructLayout ZE_DEVICE_MEM_ALLOC_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"), JAVA_INT.withName("flags"), JAVA_INT.withName("ordinal"))
            .withName("ze_device_mem_alloc_desc_t");

    public static final StructLayout ZE_HOST_MEM_ALLOC_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"), JAVA_INT.withName("flags"), PAD4)
            .withName("ze_host_mem_alloc_desc_t");

    public static final StructLayout ZE_FENCE_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"), JAVA_INT.withName("flags"), PAD4)
            .withName("ze_fence_desc_t");

    public static final StructLayout ZE_EVENT_POOL_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"), JAVA_INT.withName("flags"), JAVA_INT.withName("count"))
            .withName("ze_event_pool_desc_t");

    public static final StructLayout ZE_EVENT_DESC = structLayout(
            JAVA_INT.withName("stype"), PAD4, ADDRESS.withName("pNext"),
            JAVA_INT.withName("index"), JAVA_INT.withName("signal"), JAVA_INT.withName("wait"), PAD4)
            .withName("ze_event_desc_t");

    /** Every struct above, for the layout test. */
    public static final List<StructLayout> ALL = List.of(ZE_DRIVER_PROPERTIES, ZE_DRIVER_EXTENSION_PROPERTIES, ZE_DEVICE_PROPERTIES,
            ZE_DEVICE_COMPUTE_PROPERTIES, ZE_DEVICE_MEMORY_PROPERTIES, ZE_COMMAND_QUEUE_GROUP_PROPERTIES, ZE_CONTEXT_DESC,
            ZE_COMMAND_QUEUE_DESC, ZE_COMMAND_LIST_DESC, ZE_MODULE_DESC, ZE_KERNEL_DESC, ZE_GROUP_COUNT, ZE_DEVICE_MEM_ALLOC_DESC,
            ZE_HOST_MEM_ALLOC_DESC, ZE_FENCE_DESC, ZE_EVENT_POOL_DESC, ZE_EVENT_DESC);

    public static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    public static int getInt(MemorySegment s, StructLayout layout, String field) {
        return s.get(ValueLayout.JAVA_INT, offset(layout, field));
    }

    public static long getLong(MemorySegment s, StructLayout layout, String field) {
        return s.get(ValueLayout.JAVA_LONG, offset(layout, field));
    }

    public static void setInt(MemorySegment s, StructLayout layout, String field, int v) {
        s.set(ValueLayout.JAVA_INT, offset(layout, field), v);
    }

    public static void setLong(MemorySegment s, StructLayout layout, String field, long v) {
        s.set(ValueLayout.JAVA_LONG, offset(layout, field), v);
    }

    public static void setAddress(MemorySegment s, StructLayout layout, String field, MemorySegment v) {
        s.set(ValueLayout.ADDRESS, offset(layout, field), v);
    }
}
