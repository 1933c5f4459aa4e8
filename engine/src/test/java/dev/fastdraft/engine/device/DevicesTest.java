package dev.fastdraft.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastdraft.engine.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Selection parsing, the machine's report, and auto's choice, checked with fake backends whose speed and correctness we control. */
class DevicesTest {
    @Test
    void parsesSelections() {
        assertEquals(DeviceSelection.CPU, DeviceSelection.parse("cpu"));
        assertEquals(DeviceSelection.AUTO, DeviceSelection.parse(" AUTO "));
        assertEquals(new DeviceSelection(DeviceSelection.Kind.OPENCL, 0), DeviceSelection.parse("opencl"));
        assertEquals(new DeviceSelection(DeviceSelection.Kind.OPENCL, 2), DeviceSelection.parse("opencl:2"));
        assertEquals("levelzero:1", DeviceSelection.parse("levelzero:1").text());
        for (String bad : new String[] {"", "gpu", "opencl:", "opencl:-1", "opencl:x", "levelzero:1:2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSelection.parse(bad), bad);
            assertTrue(e.getMessage().contains("--device"), e.getMessage());
        }
    }

    @Test
    void reportsTheCpuAndEveryBackendWithDevicesOrAReason() {
        List<BackendReport> reports = new Devices(2).reports();
        assertEquals("cpu", reports.get(0).backend());
        assertEquals(DeviceType.CPU, reports.get(0).devices().get(0).type());
        assertEquals(List.of("cpu", "opencl", "levelzero", "gaudi"), reports.stream().map(BackendReport::backend).toList());
        for (BackendReport r : reports) {
            System.out.println("DevicesTest: " + r.backend() + ": " + (r.available() ? r.devices() : "none: " + r.whyNone()));
            assertTrue(r.available() || !r.whyNone().isBlank(), r.backend());
        }
        assertFalse(reports.get(3).available(), "Gaudi is never offered");
    }

    @Test
    void aMissingNativeLibraryIsAnExplainedOutcomeNotAnError() {
        NativeLibrary.Missing e = assertThrows(NativeLibrary.Missing.class, () -> NativeLibrary.open("libfastdraft_no_such_driver.so.1"));
        assertTrue(e.getMessage().contains("libfastdraft_no_such_driver.so.1"), e.getMessage());
    }

    @Test
    void explicitMissingDeviceFailsNamingIt() {
        Devices devices = new Devices(1);
        DeviceException e = assertThrows(DeviceException.class,
                () -> devices.open(DeviceSelection.parse("levelzero:7"), new ScalarMatmul(), s -> {}));
        assertTrue(e.getMessage().contains("levelzero:7"), e.getMessage());
        e = assertThrows(DeviceException.class, () -> devices.open(DeviceSelection.parse("opencl:99"), new ScalarMatmul(), s -> {}));
        assertTrue(e.getMessage().contains("opencl:99"), e.getMessage());
    }

    @Test
    void autoPicksACorrectDeviceThatIsFasterThanTheCpu() {
        List<String> notices = new ArrayList<>();
        Devices devices = new Devices(List.of(new FakeBackend(() -> new FakeDevice(new ScalarMatmul(), 0, -1))), 1);
        // the CPU stand-in is 400 ms slower per call: a margin no load on a shared machine erases
        try (ComputeDevice d = devices.open(DeviceSelection.AUTO, new FakeDevice(new ScalarMatmul(), 400, -1), notices::add)) {
            assertInstanceOf(FallbackDevice.class, d);
            assertEquals("fake:0", d.device().id());
        }
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("using fake:0"), notices.get(0));
    }

    @Test
    void autoKeepsTheCpuWhenTheDeviceIsSlowerOrWrong() {
        List<String> notices = new ArrayList<>();
        Devices slow = new Devices(List.of(new FakeBackend(() -> new FakeDevice(new ScalarMatmul(), 400, -1))), 1);
        try (ComputeDevice d = slow.open(DeviceSelection.AUTO, new ScalarMatmul(), notices::add)) {
            assertInstanceOf(CpuDevice.class, d);
        }
        assertTrue(notices.get(0).contains("using the cpu") && notices.get(0).contains("fake:0"), notices.get(0));

        notices.clear();
        MatmulOps zeros = new ScalarMatmul() {
            @Override
            public void sgemm(boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long ao, int lda, MemorySegment b, long bo, int ldb,
                              MemorySegment c, long co, int ldc, boolean acc) {
                c.fill((byte) 0);
            }
        };
        Devices wrong = new Devices(List.of(new FakeBackend(() -> new FakeDevice(zeros, 0, -1))), 1);
        try (ComputeDevice d = wrong.open(DeviceSelection.AUTO, new FakeDevice(new ScalarMatmul(), 400, -1), notices::add)) {
            assertInstanceOf(CpuDevice.class, d);
        }
        assertTrue(notices.get(0).contains("wrong"), notices.get(0));
    }

    @Test
    void autoFallsBackToTheCpuWhenTheDeviceFailsMidRunWithoutTouchingTheOutput() {
        List<String> notices = new ArrayList<>();
        // the probe makes 4 calls; the 5th (the first real one) fails
        Devices devices = new Devices(List.of(new FakeBackend(() -> new FakeDevice(new ScalarMatmul(), 0, 5))), 1);
        try (ComputeDevice d = devices.open(DeviceSelection.AUTO, new FakeDevice(new ScalarMatmul(), 400, -1), notices::add);
             Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1, 2, 3, 4), b = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 5, 6, 7, 8);
            MemorySegment c = arena.allocate(16);
            d.sgemm(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2, false);
            assertEquals(19f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(50f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 3));
            assertTrue(((FallbackDevice) d).failedOver());
            d.matmulTransposed(1, 2, 2, a, 0, 2, DType.F32, b, 0, c, 0, 2, false);
            assertEquals(17f, c.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        }
        assertEquals(2, notices.size(), notices.toString());
        assertTrue(notices.get(1).contains("fake:0") && notices.get(1).contains("continuing on the cpu"), notices.get(1));
    }

    /** One fake device, opened fresh by each open call. */
    private record FakeBackend(java.util.function.Supplier<ComputeDevice> factory) implements DeviceBackend {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public BackendReport probe() {
            return BackendReport.found("fake", List.of(new Device("fake", 0, "Fake", DeviceType.GPU, 1, "1", "")));
        }

        @Override
        public ComputeDevice open(int index) {
            if (index != 0) throw new DeviceException("no device fake:" + index);
            return factory.get();
        }
    }

    /** Runs {@code ops} after sleeping {@code delayMs}; the {@code failAt}-th call (1-based) throws a DeviceException. */
    private static final class FakeDevice implements ComputeDevice {
        final MatmulOps ops;
        final int delayMs, failAt;
        final AtomicInteger calls = new AtomicInteger();

        FakeDevice(MatmulOps ops, int delayMs, int failAt) {
            this.ops = ops;
            this.delayMs = delayMs;
            this.failAt = failAt;
        }

        private void before() {
            if (calls.incrementAndGet() == failAt) throw new DeviceException("fake:0 (Fake): zeFenceHostSynchronize failed: ZE_RESULT_ERROR_DEVICE_LOST");
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Device device() {
            return new Device("fake", 0, "Fake", DeviceType.GPU, 1, "1", "");
        }

        @Override
        public long bytesCopied() {
            return 0;
        }

        @Override
        public MemorySegment allocateShared(long bytes) {
            return Arena.ofAuto().allocate(bytes);
        }

        @Override
        public void sgemm(boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long ao, int lda, MemorySegment b, long bo, int ldb,
                          MemorySegment c, long co, int ldc, boolean acc) {
            before();
            ops.sgemm(ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, acc);
        }

        @Override
        public void matmulTransposed(int rows, int n, int k, MemorySegment x, long xo, int ldx, DType wt, MemorySegment w, long wo,
                                     MemorySegment y, long yo, int ldy, boolean acc) {
            before();
            ops.matmulTransposed(rows, n, k, x, xo, ldx, wt, w, wo, y, yo, ldy, acc);
        }

        @Override
        public void close() {}
    }

    @Test
    void conformanceHarnessCatchesAWrongKernel() {
        // the harness must be able to fail: a kernel that drops the last k term is caught
        MatmulOps dropsATerm = new ScalarMatmul() {
            @Override
            public void sgemm(boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long ao, int lda, MemorySegment b, long bo, int ldb,
                              MemorySegment c, long co, int ldc, boolean acc) {
                super.sgemm(ta, tb, m, n, Math.max(0, k - 1), a, ao, lda, b, bo, ldb, c, co, ldc, acc);
            }
        };
        assertThrows(org.opentest4j.AssertionFailedError.class, () -> MatmulConformance.checkSgemm(dropsATerm, 1));
        assertNotNull(MatmulConformance.checkGemv(new ScalarMatmul(), DType.BF16, 1));
        assertSame(DType.F16, DType.valueOf("F16"));
    }
}
