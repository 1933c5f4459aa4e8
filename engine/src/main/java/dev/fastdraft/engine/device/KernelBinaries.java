package dev.fastdraft.engine.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The matmul kernels shipped in the kernels jar (kernels/src/main/resources/dev/fastdraft/kernels/opencl):
 * OpenCL C source, SPIR-V, and SPIR 1.2 bitcode translated back from that SPIR-V. Kernel names and their
 * launch geometry live here too, so that both backends launch them identically.
 */
public final class KernelBinaries {
    private KernelBinaries() {}

    public static final String FOLDER = "/dev/fastdraft/kernels/opencl/";
    public static final String SOURCE = "matmul.cl";
    public static final String SPIRV = "matmul.spv";
    public static final String SPIR12 = "matmul.spir.bc";

    public static final String SGEMM = "sgemm_tiled";
    public static final String GEMV_F32 = "gemv_f32";
    public static final String GEMV_BF16 = "gemv_bf16";
    public static final String GEMV_F16 = "gemv_f16";

    /** sgemm_tiled: a work group of LOCAL_X x LOCAL_Y items computes a TILE x TILE block of C (matmul.cl). */
    public static final int SGEMM_TILE = 32;
    public static final int SGEMM_LOCAL_X = 8;
    public static final int SGEMM_LOCAL_Y = 8;
    /** gemv_*: one work group of GEMV_LOCAL items per output feature. */
    public static final int GEMV_LOCAL = 64;

    public static byte[] read(String name) {
        try (InputStream in = KernelBinaries.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) throw new IllegalStateException("kernel resource " + FOLDER + name + " is missing from the classpath (kernels jar)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel resource " + FOLDER + name, e);
        }
    }

    public static String gemvKernel(dev.fastdraft.engine.DType wt) {
        return switch (wt) {
            case F32 -> GEMV_F32;
            case BF16 -> GEMV_BF16;
            case F16 -> GEMV_F16;
        };
    }

    /** Number of work groups along one axis to cover {@code size} with blocks of {@code block}. */
    public static int groups(int size, int block) {
        return (size + block - 1) / block;
    }
}
