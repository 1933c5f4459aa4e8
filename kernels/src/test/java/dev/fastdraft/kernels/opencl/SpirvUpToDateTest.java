package dev.fastdraft.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The checked-in SPIR-V and SPIR 1.2 bitcode are what compile-kernels.sh makes from matmul.cl today:
 * if someone edits the kernels without regenerating, this fails (where clang-15 and llvm-spirv-15 exist).
 */
class SpirvUpToDateTest {
    @Test
    void checkedInBinariesMatchAFreshCompile() throws Exception {
        for (String tool : List.of("clang-15", "llvm-spirv-15")) {
            if (!KernelToolchain.onPath(tool)) {
                System.out.println("SpirvUpToDateTest skipped: " + tool + " not found (Debian: apt-get install clang-15 llvm-spirv-15)");
                Assumptions.abort(tool + " not found");
            }
        }
        Path out = Files.createTempDirectory("fastdraft-spirv");
        try {
            KernelToolchain.Outcome r = KernelToolchain.run(List.of("bash", KernelToolchain.SCRIPT.toString(), out.toString()), Path.of("."));
            assertEquals(0, r.exitCode(), r.output());
            for (String name : List.of("matmul.spv", "matmul.spir.bc")) {
                byte[] fresh = Files.readAllBytes(out.resolve(name));
                byte[] checkedIn = Files.readAllBytes(KernelToolchain.RESOURCES.resolve(name));
                assertTrue(fresh.length > 1000, name + " is implausibly small");
                assertArrayEquals(fresh, checkedIn, name + " is stale: run kernels/src/main/opencl/compile-kernels.sh and commit the result");
            }
            // SPIR-V magic number, little-endian
            byte[] spv = Files.readAllBytes(KernelToolchain.RESOURCES.resolve("matmul.spv"));
            assertEquals(0x07230203, (spv[0] & 0xff) | (spv[1] & 0xff) << 8 | (spv[2] & 0xff) << 16 | (spv[3] & 0xff) << 24);
            System.out.println("SpirvUpToDateTest: matmul.spv and matmul.spir.bc are up to date");
        } finally {
            KernelToolchain.deleteTree(out);
        }
    }
}
