package dev.fastdraft.engine.device.opencl;

/** How the matmul kernels reach an OpenCL driver. */
public enum ProgramForm {
    /** SPIR-V through clCreateProgramWithIL (OpenCL 2.1+, Intel's driver). */
    SPIRV,
    /** SPIR 1.2 bitcode through clCreateProgramWithBinary and cl_khr_spir (PoCL 3.1), translated from the same SPIR-V. */
    SPIR,
    /** OpenCL C source, compiled by the driver: works everywhere a compiler is available. */
    SOURCE
}
