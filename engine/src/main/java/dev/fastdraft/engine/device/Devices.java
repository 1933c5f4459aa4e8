package dev.fastdraft.engine.device;

import dev.fastdraft.engine.device.levelzero.LevelZeroBackend;
import dev.fastdraft.engine.device.opencl.OpenClBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The devices of this machine, across backends, and the {@code --device} choice. The CPU is always there:
 * callers pass their CPU kernels in as {@link MatmulOps}, so that {@code cpu} and every fallback run them.
 */
public final class Devices {
    /** Side of the square sgemm that {@code auto} times on each candidate and on the CPU. */
    public static final int AUTO_PROBE_SIZE = 256;

    private final List<DeviceBackend> backends;
    private final int cpuThreads;

    public Devices(int cpuThreads) {
        this(List.of(new OpenClBackend(), new LevelZeroBackend()), cpuThreads);
    }

    public Devices(List<DeviceBackend> backends, int cpuThreads) {
        this.backends = List.copyOf(backends);
        this.cpuThreads = cpuThreads;
    }

    /** The CPU first, then every backend (each with its devices or the reason it has none), then Gaudi. */
    public List<BackendReport> reports() {
        List<BackendReport> out = new ArrayList<>();
        out.add(BackendReport.found(HostCpu.BACKEND, List.of(HostCpu.describe(cpuThreads))));
        for (DeviceBackend b : backends) out.add(b.probe());
        out.add(GaudiProbe.probe());
        return out;
    }

    private DeviceBackend backend(String name) {
        for (DeviceBackend b : backends) if (b.name().equals(name)) return b;
        throw new DeviceException("no backend named " + name);
    }

    /**
     * Opens what {@code selection} names. {@code cpu} runs {@code cpuKernels}; {@code opencl:N} and
     * {@code levelzero:N} open that device or throw {@link DeviceException} naming it and the failing call;
     * {@code auto} picks a device only if it computes the probe correctly and faster than the CPU, wrapped
     * so that a later device failure falls back to the CPU, and otherwise returns the CPU with a one-line notice.
     */
    public ComputeDevice open(DeviceSelection selection, MatmulOps cpuKernels, Consumer<String> notices) {
        CpuDevice cpu = new CpuDevice(HostCpu.describe(cpuThreads), cpuKernels);
        return switch (selection.kind()) {
            case CPU -> cpu;
            case OPENCL -> openOrClose(backend(OpenClBackend.NAME), selection.index(), cpu);
            case LEVELZERO -> openOrClose(backend(LevelZeroBackend.NAME), selection.index(), cpu);
            case AUTO -> auto(cpu, notices);
        };
    }

    private static ComputeDevice openOrClose(DeviceBackend backend, int index, CpuDevice cpu) {
        cpu.close();
        return backend.open(index);
    }

    /** One timed candidate of the auto probe. */
    record Timing(String label, double millis, String problem) {}

    private ComputeDevice auto(CpuDevice cpu, Consumer<String> notices) {
        int n = AUTO_PROBE_SIZE;
        try (Arena arena = Arena.ofShared()) { // shared: multi-threaded CPU kernels must reach the inputs
            MemorySegment a = arena.allocate((long) n * n * 4, 64), b = arena.allocate((long) n * n * 4, 64);
            MemorySegment ref = arena.allocate((long) n * n * 4, 64), out = arena.allocate((long) n * n * 4, 64);
            Random rnd = new Random(1);
            for (long i = 0; i < (long) n * n; i++) {
                a.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
                b.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
            }
            double cpuMs = time(cpu, n, a, b, ref);
            ComputeDevice best = null;
            double bestMs = cpuMs;
            List<String> losers = new ArrayList<>();
            for (DeviceBackend backend : backends) {
                BackendReport r = backend.probe();
                for (Device d : r.devices()) {
                    ComputeDevice dev;
                    try {
                        dev = backend.open(d.index());
                    } catch (DeviceException e) {
                        losers.add(d.id() + " unusable (" + e.getMessage().lines().findFirst().orElse("") + ")");
                        continue;
                    }
                    try {
                        double ms = time(dev, n, a, b, out);
                        double err = maxRelativeDifference(ref, out, (long) n * n);
                        if (err > 1e-3) {
                            losers.add(d.id() + " wrong (max relative difference " + String.format("%.1e", err) + ")");
                            dev.close();
                        } else if (ms < bestMs) {
                            if (best != null) {
                                losers.add(best.device().id() + String.format(" %.2f ms", bestMs));
                                best.close();
                            }
                            best = dev;
                            bestMs = ms;
                        } else {
                            losers.add(d.id() + String.format(" %.2f ms", ms));
                            dev.close();
                        }
                    } catch (DeviceException e) {
                        losers.add(d.id() + " failed (" + e.getMessage().lines().findFirst().orElse("") + ")");
                        closeQuietly(dev);
                    }
                }
            }
            String probe = String.format("auto: %d^3 sgemm on the cpu %.2f ms", n, cpuMs);
            if (best == null) {
                notices.accept("notice: " + probe + (losers.isEmpty() ? ", no device found" : "; not faster: " + String.join(", ", losers)) + "; using the cpu");
                return cpu;
            }
            notices.accept(String.format("notice: %s, %s %.2f ms; using %s", probe, best.device().id(), bestMs, best.device().label()));
            return new FallbackDevice(best, cpu, notices);
        }
    }

    private static void closeQuietly(ComputeDevice dev) {
        try {
            dev.close();
        } catch (RuntimeException ignored) {
            // the device already failed; the probe notice names it
        }
    }

    /** Best of three after one warm-up call (which also builds any lazily compiled kernel). */
    private static double time(MatmulOps ops, int n, MemorySegment a, MemorySegment b, MemorySegment c) {
        ops.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            ops.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    /** max |got - expected| / max |expected| over {@code elems} floats: a scale-free agreement check. */
    static double maxRelativeDifference(MemorySegment expected, MemorySegment got, long elems) {
        double maxDiff = 0, maxAbs = 0;
        for (long i = 0; i < elems; i++) {
            float e = expected.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
            float g = got.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
            maxDiff = Math.max(maxDiff, Math.abs(e - g));
            maxAbs = Math.max(maxAbs, Math.abs(e));
            if (Float.isNaN(g)) return Double.POSITIVE_INFINITY;
        }
        return maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
    }
}
