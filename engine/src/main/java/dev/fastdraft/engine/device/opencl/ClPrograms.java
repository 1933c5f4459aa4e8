package dev.fastdraft.engine.device.opencl;

import static dev.fastdraft.engine.device.Downcalls.C_INT;
import static dev.fastdraft.engine.device.Downcalls.POINTER;
import static dev.fastdraft.engine.device.Downcalls.SIZE_T;

import dev.fastdraft.engine.device.Downcalls;
import dev.fastdraft.engine.device.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** cl.h, program and kernel-object API. clCreateProgramWithIL is OpenCL 2.1: absent from older loaders. */
public final class ClPrograms {
    private final MethodHandle clCreateProgramWithSource;
    private final MethodHandle clCreateProgramWithBinary;
    private final Optional<MethodHandle> clCreateProgramWithIL;
    private final MethodHandle clBuildProgram;
    private final MethodHandle clGetProgramBuildInfo;
    private final MethodHandle clReleaseProgram;
    private final MethodHandle clCreateKernel;
    private final MethodHandle clSetKernelArg;
    private final MethodHandle clReleaseKernel;

    ClPrograms(NativeLibrary lib) throws NativeLibrary.Missing {
        // cl_program clCreateProgramWithSource(cl_context, cl_uint count, const char **strings, const size_t *lengths, cl_int *)
        clCreateProgramWithSource = lib.function("clCreateProgramWithSource", FunctionDescriptor.of(POINTER, POINTER, C_INT, POINTER, POINTER, POINTER));
        // cl_program clCreateProgramWithBinary(cl_context, cl_uint num_devices, const cl_device_id *, const size_t *lengths,
        //                                      const unsigned char **binaries, cl_int *binary_status, cl_int *errcode_ret)
        clCreateProgramWithBinary = lib.function("clCreateProgramWithBinary",
                FunctionDescriptor.of(POINTER, POINTER, C_INT, POINTER, POINTER, POINTER, POINTER, POINTER));
        // cl_program clCreateProgramWithIL(cl_context, const void *il, size_t length, cl_int *errcode_ret)
        clCreateProgramWithIL = lib.optionalFunction("clCreateProgramWithIL", FunctionDescriptor.of(POINTER, POINTER, POINTER, SIZE_T, POINTER));
        // cl_int clBuildProgram(cl_program, cl_uint num_devices, const cl_device_id *, const char *options,
        //                       void (*pfn_notify)(cl_program, void *), void *user_data)
        clBuildProgram = lib.function("clBuildProgram", FunctionDescriptor.of(C_INT, POINTER, C_INT, POINTER, POINTER, POINTER, POINTER));
        // cl_int clGetProgramBuildInfo(cl_program, cl_device_id, cl_program_build_info, size_t, void *, size_t *)
        clGetProgramBuildInfo = lib.function("clGetProgramBuildInfo", FunctionDescriptor.of(C_INT, POINTER, POINTER, C_INT, SIZE_T, POINTER, POINTER));
        clReleaseProgram = lib.function("clReleaseProgram", FunctionDescriptor.of(C_INT, POINTER));
        // cl_kernel clCreateKernel(cl_program, const char *kernel_name, cl_int *errcode_ret)
        clCreateKernel = lib.function("clCreateKernel", FunctionDescriptor.of(POINTER, POINTER, POINTER, POINTER));
        // cl_int clSetKernelArg(cl_kernel, cl_uint arg_index, size_t arg_size, const void *arg_value)
        clSetKernelArg = lib.function("clSetKernelArg", FunctionDescriptor.of(C_INT, POINTER, C_INT, SIZE_T, POINTER));
        clReleaseKernel = lib.function("clReleaseKernel", FunctionDescriptor.of(C_INT, POINTER));
    }

    public boolean hasCreateProgramWithIL() {
        return clCreateProgramWithIL.isPresent();
    }

    public MemorySegment clCreateProgramWithSource(MemorySegment context, int count, MemorySegment strings, MemorySegment lengths, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateProgramWithSource.invokeExact(context, count, strings, lengths, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public MemorySegment clCreateProgramWithBinary(MemorySegment context, int numDevices, MemorySegment devices, MemorySegment lengths,
                                                   MemorySegment binaries, MemorySegment binaryStatus, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateProgramWithBinary.invokeExact(context, numDevices, devices, lengths, binaries, binaryStatus, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Throws IllegalStateException when the loader predates OpenCL 2.1; check {@link #hasCreateProgramWithIL()}. */
    public MemorySegment clCreateProgramWithIL(MemorySegment context, MemorySegment il, long length, MemorySegment errcode) {
        MethodHandle h = clCreateProgramWithIL.orElseThrow(() -> new IllegalStateException("the OpenCL loader has no clCreateProgramWithIL"));
        try {
            return (MemorySegment) h.invokeExact(context, il, length, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clBuildProgram(MemorySegment program, int numDevices, MemorySegment devices, MemorySegment options,
                              MemorySegment notify, MemorySegment userData) {
        try {
            return (int) clBuildProgram.invokeExact(program, numDevices, devices, options, notify, userData);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clGetProgramBuildInfo(MemorySegment program, MemorySegment device, int param, long size, MemorySegment value, MemorySegment sizeRet) {
        try {
            return (int) clGetProgramBuildInfo.invokeExact(program, device, param, size, value, sizeRet);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clReleaseProgram(MemorySegment program) {
        try {
            return (int) clReleaseProgram.invokeExact(program);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public MemorySegment clCreateKernel(MemorySegment program, MemorySegment name, MemorySegment errcode) {
        try {
            return (MemorySegment) clCreateKernel.invokeExact(program, name, errcode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clSetKernelArg(MemorySegment kernel, int index, long size, MemorySegment value) {
        try {
            return (int) clSetKernelArg.invokeExact(kernel, index, size, value);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public int clReleaseKernel(MemorySegment kernel) {
        try {
            return (int) clReleaseKernel.invokeExact(kernel);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
