package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.CliSupport;
import dev.fastdraft.cli.Command;
import dev.fastdraft.cli.Console;
import dev.fastdraft.cli.Option;
import dev.fastdraft.cli.UserError;
import dev.fastdraft.engine.device.ComputeDevice;
import dev.fastdraft.engine.device.CpuKernels;
import dev.fastdraft.engine.device.DeviceException;
import dev.fastdraft.engine.device.DeviceMatmulBench;
import dev.fastdraft.engine.device.DeviceSelection;
import dev.fastdraft.engine.device.Devices;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.gemm.Sgemm;
import dev.fastdraft.models.io.Json;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code bench matmul}: square SGEMM {@code C = A . B} of size N on T threads, ours and OpenBLAS's
 * on the same native inputs in the same process. The two alternate in rounds (so a burst of load from
 * elsewhere hits both), each after a warm-up; the reported figure is the best run of each, the median
 * is reported next to it.
 */
public final class MatmulBenchmark implements Command {
    private static final int ROUNDS = 3;
    /** Timed seconds to aim for per implementation when --reps is not given. */
    private static final double TARGET_SECONDS = 3.0;
    /**
     * Warm-up time, however short a call: C2 compiles the kernel and the code around it on the same two
     * cores the benchmark times, for about a second after the first calls. A cap of 50 warm-up calls
     * (0.1 s at N = 512) timed our SGEMM while that was still going on: 0.74 of OpenBLAS instead of 0.91.
     */
    private static final long WARM_UP_NS = 2_000_000_000L;
    /** How long OpenBLAS's idle workers get to stop spinning before our runs (they would take a core from ours). */
    private static final long PEER_SETTLE_MS = 1000;

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public String summary() {
        return "square SGEMM GFLOPS against OpenBLAS (found through numpy or the system) in the same run";
    }

    @Override
    public List<Option> options() {
        return BenchCommand.withCommon(
                Option.value("--size", "N", "matrix size: C[N x N] = A[N x N] . B[N x N] (default 1024)"),
                Option.value("--reps", "R", "timed runs per implementation (default: about 3 s worth, at least 6)"),
                Option.value("--device", "D", "also time the SGEMM on a device: cpu | auto | opencl:N | levelzero:N (default cpu)"));
    }

    @Override
    public int run(Args args, Console console) throws Exception {
        int n = args.integer("--size", 1024);
        if (n < 1 || n > 32768) throw new UserError("bench matmul: --size must be in 1..32768, got " + n);
        int threads = CliSupport.threadCount(args, WorkerPool.defaultThreads());
        int reps = args.integer("--reps", 0);
        if (args.has("--reps") && reps < 1) throw new UserError("bench matmul: --reps must be >= 1, got " + reps);
        boolean json = args.flag("--json");
        BenchOptions.fitsInMemory("matmul", "four " + n + " x " + n + " float matrices (--size)", 4L * n * n * Float.BYTES);

        Optional<OpenBlas> peer = OpenBlas.find();
        if (peer.isEmpty()) {
            console.err().println("notice: no OpenBLAS found (set FASTDRAFT_OPENBLAS=/path/to/libopenblas.so); measuring FastDraft alone");
        }
        peer.ifPresent(p -> p.setThreads(threads));

        long bytes = (long) n * n * Float.BYTES;
        try (WorkerPool pool = new WorkerPool(threads); Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocate(bytes, 64), b = arena.allocate(bytes, 64);
            MemorySegment c = arena.allocate(bytes, 64), cPeer = arena.allocate(bytes, 64);
            fillRandom(a, 1);
            fillRandom(b, 2);
            Runnable ours = () -> Sgemm.sgemm(pool, false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
            Runnable theirs = peer.<Runnable>map(p -> () -> p.sgemm(false, false, n, n, n, 1f, a, n, b, n, 0f, cPeer, n)).orElse(null);

            // warm-up: the JIT compiles the kernel within the first calls; OpenBLAS starts its threads
            double callSeconds = warmUp(ours);
            if (theirs != null) warmUp(theirs);
            int perRound = reps > 0 ? Math.max(1, (reps + ROUNDS - 1) / ROUNDS)
                    : (int) Math.clamp(Math.round(TARGET_SECONDS / callSeconds / ROUNDS), 2, 10_000);
            double[] oursNs = new double[perRound * ROUNDS];
            double[] theirsNs = new double[perRound * ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                // OpenBLAS's workers spin for a while after a call; let them go to sleep before we run
                if (theirs != null && threads > 1) Thread.sleep(PEER_SETTLE_MS);
                for (int i = 0; i < perRound; i++) oursNs[r * perRound + i] = time(ours);
                if (theirs != null) {
                    for (int i = 0; i < perRound; i++) theirsNs[r * perRound + i] = time(theirs);
                }
            }
            double flop = 2.0 * n * n * n;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "matmul");
            out.put("n", n);
            out.put("threads", threads);
            out.put("runs", oursNs.length);
            out.put("statistic", "best of runs (median also given)");
            out.put("gflops", round(flop / min(oursNs), 1));
            out.put("gflops_median", round(flop / Stats.median(oursNs), 1));
            out.put("ms", round(min(oursNs) / 1e6, 3));
            out.put("kernel", Sgemm.kernelDescription());
            if (theirs != null) {
                OpenBlas p = peer.get();
                out.put("peer", p.name());
                out.put("peer_path", p.path().toString());
                out.put("peer_gflops", round(flop / min(theirsNs), 1));
                out.put("peer_gflops_median", round(flop / Stats.median(theirsNs), 1));
                out.put("ratio", round(min(theirsNs) / min(oursNs), 3));
                out.put("ratio_median", round(Stats.median(theirsNs) / Stats.median(oursNs), 3));
                out.put("max_rel_diff", maxRelativeDifference(c, cPeer, n));
            } else {
                out.put("peer", null);
            }
            String device = args.string("--device", "cpu");
            if (!device.equals("cpu")) out.put("device", deviceRun(device, pool, n, perRound, console));
            if (json) {
                console.out().println(Json.write(out));
            } else {
                printTable(console, out, n, threads);
                if (out.get("device") instanceof Map<?, ?> d) {
                    console.out().printf(java.util.Locale.ROOT, "%s (%s): %s GFLOPS, %sx the CPU kernels in the same run, max rel diff %.1e%n",
                            d.get("id"), d.get("name"), d.get("gflops"), d.get("speedup_vs_cpu"), ((Number) d.get("max_rel_diff")).doubleValue());
                }
            }
        }
        return 0;
    }

    /** The same SGEMM on a device, against our CPU kernels in the same run (the device layer times both). */
    private static Map<String, Object> deviceRun(String selection, WorkerPool pool, int n, int perRound, Console console) {
        CpuKernels cpu = new CpuKernels(pool);
        try (ComputeDevice dev = new Devices(pool.threads()).open(DeviceSelection.parse(selection), cpu, console.err()::println)) {
            DeviceMatmulBench.Result r = DeviceMatmulBench.sgemm(dev, "fastdraft-cpu", cpu, n, ROUNDS, perRound);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", dev.device().id());
            m.put("name", dev.device().name());
            m.put("gflops", round(r.deviceGflops(), 1));
            m.put("cpu_gflops", round(r.peerGflops(), 1));
            m.put("speedup_vs_cpu", round(r.speedup(), 3));
            m.put("max_rel_diff", r.maxRelativeDifference());
            m.put("bytes_copied_per_call", r.bytesCopiedPerCall());
            return m;
        } catch (DeviceException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static double warmUp(Runnable call) {
        long start = System.nanoTime();
        double last = 0;
        for (int i = 0; i < 3 || System.nanoTime() - start < WARM_UP_NS; i++) last = time(call);
        return last / 1e9;
    }

    private static double time(Runnable call) {
        long t0 = System.nanoTime();
        call.run();
        return System.nanoTime() - t0;
    }

    private static void fillRandom(MemorySegment s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long count = s.byteSize() / Float.BYTES;
        for (long i = 0; i < count; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
    }

    /** Largest |ours - peer| relative to the largest |peer| entry: both should agree to float rounding. */
    private static double maxRelativeDifference(MemorySegment c, MemorySegment peer, int n) {
        double maxDiff = 0, maxAbs = 0;
        long count = (long) n * n;
        for (long i = 0; i < count; i++) {
            float x = c.getAtIndex(ValueLayout.JAVA_FLOAT, i), y = peer.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            maxDiff = Math.max(maxDiff, Math.abs(x - y));
            maxAbs = Math.max(maxAbs, Math.abs(y));
        }
        return maxAbs == 0 ? maxDiff : Double.parseDouble(String.format("%.3g", maxDiff / maxAbs));
    }

    private static void printTable(Console console, Map<String, Object> out, int n, int threads) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("SGEMM %d x %d x %d, %d thread%s, best of %s runs (median in brackets)%n",
                n, n, n, threads, threads == 1 ? "" : "s", out.get("runs")));
        sb.append(String.format("  %-34s %10s %12s%n", "implementation", "GFLOPS", "(median)"));
        sb.append(String.format("  %-34s %10s %12s%n", "FastDraft " + out.get("kernel"), out.get("gflops"), "(" + out.get("gflops_median") + ")"));
        if (out.get("peer") != null) {
            sb.append(String.format("  %-34s %10s %12s%n", out.get("peer"), out.get("peer_gflops"), "(" + out.get("peer_gflops_median") + ")"));
            sb.append(String.format("  %-34s %10s %12s%n", "ratio FastDraft / OpenBLAS", out.get("ratio"), "(" + out.get("ratio_median") + ")"));
            sb.append(String.format("  max relative difference of the results: %s%n", out.get("max_rel_diff")));
        } else {
            sb.append("  (no OpenBLAS found to compare with)\n");
        }
        console.out().print(sb);
    }

    private static double min(double[] x) {
        return Arrays.stream(x).min().orElseThrow();
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }
}
