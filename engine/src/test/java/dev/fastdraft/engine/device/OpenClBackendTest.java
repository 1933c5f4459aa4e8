package dev.fastdraft.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.device.opencl.OpenClBackend;
import dev.fastdraft.engine.device.opencl.ProgramForm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL backend against the scalar reference on whatever OpenCL devices this machine has (in CI:
 * PoCL's CPU device). The SPIR form runs the checked-in SPIR 1.2 bitcode that llvm-spirv translated back
 * from the checked-in SPIR-V, so passing it shows the SPIR-V given to Level Zero computes the right answer.
 */
class OpenClBackendTest {
    private static BackendReport probeOrSkip(OpenClBackend backend) {
        BackendReport r = backend.probe();
        if (!r.available()) System.out.println("OpenClBackendTest skipped: " + r.whyNone());
        Assumptions.assumeTrue(r.available(), () -> "no OpenCL device: " + r.whyNone());
        return r;
    }

    @Test
    void enumeratesDevicesWithNamesTypesAndMemory() {
        OpenClBackend backend = new OpenClBackend();
        BackendReport r = probeOrSkip(backend);
        for (int i = 0; i < r.devices().size(); i++) {
            Device d = r.devices().get(i);
            System.out.println("OpenCL device: " + d);
            assertEquals(i, d.index());
            assertEquals("opencl", d.backend());
            assertFalse(d.name().isBlank());
            assertTrue(d.memoryBytes() > 0, "global memory of " + d.label());
        }
    }

    @Test
    void sourceFormMatchesTheScalarReference() {
        runConformance(ProgramForm.SOURCE);
    }

    @Test
    void spirBitcodeFromTheCheckedInSpirvMatchesTheScalarReference() {
        runConformance(ProgramForm.SPIR);
    }

    @Test
    void spirvFormMatchesTheScalarReferenceWhereTheDriverTakesIl() {
        runConformance(ProgramForm.SPIRV);
    }

    private void runConformance(ProgramForm form) {
        OpenClBackend backend = new OpenClBackend();
        BackendReport r = probeOrSkip(backend);
        int ran = 0;
        for (Device d : r.devices()) {
            if (!supports(d, form)) {
                System.out.println("OpenClBackendTest: " + d.label() + " does not take " + form + " (" + d.details() + "); skipped for it");
                continue;
            }
            try (ComputeDevice dev = backend.open(d.index(), form)) {
                double sg = MatmulConformance.checkSgemm(dev, 42);
                StringBuilder sb = new StringBuilder(String.format("%s %s: sgemm max error/magnitude %.2e", d.label(), form, sg));
                for (DType wt : DType.values()) sb.append(String.format(", gemv %s %.2e", wt, MatmulConformance.checkGemv(dev, wt, 7)));
                System.out.println("OpenClBackendTest: " + sb);
                ran++;
            }
        }
        Assumptions.assumeTrue(ran > 0, "no OpenCL device takes " + form);
    }

    private static boolean supports(Device d, ProgramForm form) {
        return switch (form) {
            case SOURCE -> true;
            case SPIR -> d.details().contains("cl_khr_spir") || d.details().contains("SPIR-V");
            case SPIRV -> d.details().contains("SPIR-V");
        };
    }

    @Test
    void nativeInputsAreUsedInPlaceAndHeapInputsAreCopied() {
        OpenClBackend backend = new OpenClBackend();
        probeOrSkip(backend);
        try (ComputeDevice dev = backend.open(0); Arena arena = Arena.ofConfined()) {
            int m = 8, n = 8, k = 8;
            MemorySegment a = arena.allocate(m * k * 4L, 64), b = arena.allocate(k * n * 4L, 64), c = arena.allocate(m * n * 4L, 64);
            long before = dev.bytesCopied();
            dev.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
            assertEquals(m * n * 4L, dev.bytesCopied() - before, "only the output goes through a copy");
            MemorySegment ha = MemorySegment.ofArray(new float[m * k]);
            before = dev.bytesCopied();
            dev.sgemm(false, true, m, n, k, ha, 0, k, b, 0, k, c, 0, n, false);
            assertEquals((m * k + m * n) * 4L, dev.bytesCopied() - before, "a heap input is staged");
        }
    }

    @Test
    void badIndexAndBadShapesFailClearly() {
        OpenClBackend backend = new OpenClBackend();
        BackendReport r = probeOrSkip(backend);
        DeviceException e = assertThrows(DeviceException.class, () -> backend.open(r.devices().size() + 3));
        assertTrue(e.getMessage().contains("opencl:" + (r.devices().size() + 3)), e.getMessage());
        try (ComputeDevice dev = backend.open(0)) {
            MemorySegment small = MemorySegment.ofArray(new float[10]);
            IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class,
                    () -> dev.sgemm(false, false, 4, 4, 4, small, 0, 4, small, 0, 4, small, 0, 4, false));
            assertTrue(oob.getMessage().contains("sgemm") && oob.getMessage().contains("A"), oob.getMessage());
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> dev.matmulTransposed(1, 2, 8, small, 0, 4, DType.F32, small, 0, small, 0, 2, false));
            assertTrue(bad.getMessage().contains("ldx") || bad.getMessage().contains("X"), bad.getMessage());
            dev.close();
            assertThrows(IllegalStateException.class, () -> dev.sgemm(false, false, 1, 1, 1, small, 0, 1, small, 0, 1, small, 0, 1, false));
        }
    }
}
