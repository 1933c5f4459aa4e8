package dev.fastdraft.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Intel's offline compiler (ocloc, Debian intel-opencl-icd) builds the checked-in SPIR-V and the OpenCL C
 * source into device binaries for Tiger Lake (tgllp, Xe-LP iGPU) and DG2 (Arc): proof that the kernels
 * Level Zero receives compile for real Intel GPUs, without one.
 */
class IntelTargetsCompileTest {
    @Test
    void kernelsCompileForTigerLakeAndDg2() throws Exception {
        if (!KernelToolchain.onPath("ocloc")) {
            System.out.println("IntelTargetsCompileTest skipped: ocloc not found (Debian: apt-get install intel-opencl-icd)");
            Assumptions.abort("ocloc not found");
        }
        Path out = Files.createTempDirectory("fastdraft-ocloc");
        try {
            Path spv = KernelToolchain.RESOURCES.resolve("matmul.spv").toAbsolutePath();
            Path cl = KernelToolchain.RESOURCES.resolve("matmul.cl").toAbsolutePath();
            for (String target : List.of("tgllp", "dg2")) {
                compile(List.of("ocloc", "compile", "-file", spv.toString(), "-spirv_input", "-device", target,
                        "-output_no_suffix", "-output", "spv_" + target, "-out_dir", out.toString()), out, out.resolve("spv_" + target), target);
                compile(List.of("ocloc", "compile", "-file", cl.toString(), "-device", target, "-options", "-cl-std=CL1.2",
                        "-output_no_suffix", "-output", "cl_" + target, "-out_dir", out.toString()), out, out.resolve("cl_" + target), target);
            }
            System.out.println("IntelTargetsCompileTest: matmul.spv and matmul.cl compile for tgllp and dg2");
        } finally {
            KernelToolchain.deleteTree(out);
        }
    }

    private static void compile(List<String> command, Path dir, Path binary, String target) throws Exception {
        KernelToolchain.Outcome r = KernelToolchain.run(command, dir);
        assertEquals(0, r.exitCode(), "ocloc for " + target + " failed:\n" + r.output());
        assertTrue(Files.size(binary) > 1000, "no device binary for " + target + ":\n" + r.output());
    }
}
