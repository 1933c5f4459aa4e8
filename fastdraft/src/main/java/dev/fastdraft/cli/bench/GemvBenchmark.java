package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.CliSupport;
import dev.fastdraft.cli.Command;
import dev.fastdraft.cli.Console;
import dev.fastdraft.cli.Option;
import dev.fastdraft.cli.UserError;
import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.convert.HalfFloats;
import dev.fastdraft.kernels.gemv.Panels;
import dev.fastdraft.kernels.gemv.PanelGemm;
import dev.fastdraft.kernels.gemv.SkinnyGemm;
import dev.fastdraft.kernels.gemv.WeightType;
import dev.fastdraft.models.io.Json;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench gemv}: the skinny GEMM of decoding (1 row) and draft verification (R rows) in GB/s of weights
 * read, next to the memory bandwidth probe measured in the same run, and the cost of R rows against 1 row.
 *
 * <p>Each round measures a read pass of the probe, R-row calls, 1-row calls, another read pass and the triad,
 * so slow minutes on a shared machine hit all of them alike; the ratio to the probe is taken per round (against
 * the mean of the two read passes around the calls) and the medians over the rounds are reported. The calls rotate
 * over enough copies of the weights (at least {@value #COLD_BYTES_MIB} MiB in all) that none is still in the
 * last-level cache when it comes round again, as in a model whose layers each read their own weights.
 *
 * <p>Each round also times the R-row call on a slice of the matrix that stays in the last-level cache (the first
 * outputs, about {@value #CACHED_BYTES_MIB} MiB) and scales it to n: the same multiply-adds with no wait on DRAM.
 * Against one row from DRAM that says what R rows would cost if memory were free (a roofline taken on the machine
 * itself, per-call costs included): when the two costs are close, the R-row call is bound by compute, not memory.
 */
public final class GemvBenchmark implements Command {
    private static final int COLD_BYTES_MIB = 128;
    private static final int CACHED_BYTES_MIB = 4;
    private static final int MAX_DIM = 1 << 20;

    @Override
    public String name() {
        return "gemv";
    }

    @Override
    public String summary() {
        return "skinny GEMM/GEMV (decode, draft verification): weight GB/s vs memory bandwidth in the same run";
    }

    @Override
    public List<Option> options() {
        return BenchCommand.withCommon(
                Option.value("--rows", "R", "activation rows: 1 = a decode step, 2..16 = verifying draft tokens (default 1)"),
                Option.value("--n", "N", "outputs = weight rows (default 4096)"),
                Option.value("--k", "K", "inputs = weight columns (default 4096)"),
                Option.value("--dtype", "TYPE", "weight type: bf16, f16 or f32 (default bf16)"),
                Option.value("--layout", "L", "panels (bf16 and f16: the copy generation multiplies by) or rows (as stored); default: panels for bf16 and f16"),
                Option.value("--rounds", "N", "measurement rounds; medians are reported (default 9)"),
                Option.value("--millis", "MS", "time per measurement per round (default 200)"),
                Option.value("--warmup", "S", "seconds of warm-up before measuring, for the JIT (default 4)"),
                Option.value("--copies", "C", "weight copies to rotate over (default: enough for " + COLD_BYTES_MIB + " MiB; 1 = cache-warm)"));
    }

    @Override
    public int run(Args args, Console console) {
        int rows = BenchOptions.range(args, "gemv", "--rows", 1, 1, SkinnyGemm.ROWS_PER_PASS);
        int n = BenchOptions.range(args, "gemv", "--n", 4096, 1, MAX_DIM);
        int k = BenchOptions.range(args, "gemv", "--k", 4096, 1, MAX_DIM);
        WeightType wt;
        try {
            wt = WeightType.parse(args.string("--dtype", "bf16"));
        } catch (IllegalArgumentException e) {
            throw new UserError("--dtype: " + e.getMessage());
        }
        boolean panels = switch (args.string("--layout", Panels.supports(wt) ? "panels" : "rows")) {
            case "panels" -> true;
            case "rows" -> false;
            default -> throw new UserError("--layout must be panels or rows, got '" + args.string("--layout") + "'");
        };
        if (panels && !Panels.supports(wt)) throw new UserError("--layout panels needs --dtype bf16 or f16; use --layout rows for " + wt.label());
        int rounds = BenchOptions.range(args, "gemv", "--rounds", 9, 1, 1000);
        int millis = BenchOptions.range(args, "gemv", "--millis", 200, 1, 60_000);
        double warmup = args.number("--warmup", 4);
        if (!(warmup >= 0 && warmup <= 3600)) throw new UserError("bench gemv: --warmup must be in 0..3600 seconds, got " + args.string("--warmup"));
        int threads = CliSupport.threadCount(args, WorkerPool.defaultThreads());
        long matrixBytes = n * wt.rowBytes(k);
        long coldBytes = (long) COLD_BYTES_MIB << 20;
        int copies = args.has("--copies") ? BenchOptions.range(args, "gemv", "--copies", 1, 1, 1024)
                : (int) Math.max(1, coldBytes / matrixBytes + (coldBytes % matrixBytes == 0 ? 0 : 1));
        // panel copies come on top of the weights they are packed from
        BenchOptions.fitsInMemory("gemv", copies + " cop" + (copies == 1 ? "y" : "ies") + " of the --n x --k weights and the bandwidth probe",
                copies * matrixBytes * (panels ? 2 : 1) + MemoryBandwidth.STANDARD_BYTES);

        try (WorkerPool pool = new WorkerPool(threads);
             Arena arena = Arena.ofShared();
             MemoryBandwidth probe = MemoryBandwidth.standard()) {
            MemorySegment[] weights = new MemorySegment[copies];
            SplittableRandom rnd = new SplittableRandom(42);
            MemorySegment pattern = randomPattern(arena, rnd, wt);
            for (int c = 0; c < copies; c++) {
                weights[c] = arena.allocate(matrixBytes, 64);
                for (long off = 0; off < matrixBytes; off += pattern.byteSize()) {
                    MemorySegment.copy(pattern, 0, weights[c], off, Math.min(pattern.byteSize(), matrixBytes - off));
                }
            }
            MemorySegment x = arena.allocate((long) rows * k * Float.BYTES, 64);
            for (long i = 0; i < (long) rows * k; i++) x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
            MemorySegment y = arena.allocate((long) rows * n * Float.BYTES, 64);
            Panels[] packed = null;
            if (panels) {
                packed = new Panels[copies];
                for (int c = 0; c < copies; c++) packed[c] = Panels.pack(pool, wt, weights[c], 0, n, k, arena);
            }
            Calls calls = new Calls(pool, n, k, wt, weights, packed, x, y);
            // outputs of the cached slice: a multiple of 64 (whole panels), at least 64, at most n
            int nSmall = (int) Math.min(n, Math.max(64, ((long) CACHED_BYTES_MIB << 20) / wt.rowBytes(k) / 64 * 64));
            Calls cached = new Calls(pool, nSmall, k, wt, new MemorySegment[] {weights[0]},
                    panels ? new Panels[] {Panels.pack(pool, wt, weights[0], 0, nSmall, k, arena)} : null, x, y);

            // C2 needs a few seconds (more on a busy machine) to compile the vector loops; before that they run slowly
            long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            while (System.nanoTime() < warmEnd) {
                calls.timePerCall(rows, 20);
                calls.timePerCall(1, 20);
                cached.timePerCall(rows, 20);
                probe.read(pool);
            }
            double[] read = new double[rounds], triad = new double[rounds], nsRows = new double[rounds], nsOne = new double[rounds];
            double[] ratio = new double[rounds], rowsCost = new double[rounds], nsCached = new double[rounds], cachedCost = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                // the probe runs right before and right after the calls, so each round's ratio compares like with like
                double before = probe.read(pool);
                nsRows[r] = calls.timePerCall(rows, millis);
                nsOne[r] = rows == 1 ? nsRows[r] : calls.timePerCall(1, millis);
                double after = probe.read(pool);
                read[r] = (before + after) / 2;
                triad[r] = probe.triad(pool);
                ratio[r] = matrixBytes / nsRows[r] / read[r];
                rowsCost[r] = nsRows[r] / nsOne[r];
                nsCached[r] = cached.timePerCall(rows, millis) * n / nSmall;
                cachedCost[r] = nsCached[r] / nsOne[r];
            }
            double tRows = Stats.median(nsRows), tOne = Stats.median(nsOne), readGbs = Stats.median(read), triadGbs = Stats.median(triad);
            double gbs = matrixBytes / tRows, oneGbs = matrixBytes / tOne;
            double ratioMedian = Stats.median(ratio), rowsCostMedian = Stats.median(rowsCost);

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bench", "gemv");
            out.put("rows", rows);
            out.put("n", n);
            out.put("k", k);
            out.put("dtype", wt.label());
            out.put("layout", panels ? "panels" : "rows");
            out.put("threads", threads);
            out.put("copies", copies);
            out.put("rounds", rounds);
            out.put("weight_mib", matrixBytes / 1048576.0);
            out.put("gemv_gbs", gbs);
            out.put("gemv_ms", tRows / 1e6);
            out.put("probe_read_gbs", readGbs);
            out.put("probe_triad_gbs", triadGbs);
            out.put("ratio_vs_read", ratioMedian);
            out.put("ratio_vs_read_quartiles", List.of(Stats.quantile(ratio, 0.25), Stats.quantile(ratio, 0.75)));
            out.put("one_row_gbs", oneGbs);
            out.put("one_row_ms", tOne / 1e6);
            out.put("rows_cost_vs_one_row", rowsCostMedian);
            out.put("gflops", 2.0 * rows * n * k / tRows);
            double tCached = Stats.median(nsCached), cachedCostMedian = Stats.median(cachedCost);
            out.put("in_cache_outputs", nSmall);
            out.put("in_cache_ms", tCached / 1e6);
            out.put("in_cache_gflops", 2.0 * rows * n * k / tCached);
            out.put("in_cache_cost_vs_one_row", cachedCostMedian);
            if (args.flag("--json")) {
                console.out().println(Json.write(out));
            } else {
                console.out().printf("bench gemv: rows=%d n=%d k=%d %s in %s, %d threads, %d weight cop%s of %.1f MiB rotated, median of %d rounds%n",
                        rows, n, k, wt.label(), panels ? "panels" : "rows", threads, copies, copies == 1 ? "y" : "ies", matrixBytes / 1048576.0, rounds);
                console.out().printf("  skinny gemm      %7.1f GB/s of weights   (%.3f ms per call, %.1f GFLOP/s)%n", gbs, tRows / 1e6, 2.0 * rows * n * k / tRows);
                console.out().printf("  probe read       %7.1f GB/s%n", readGbs);
                console.out().printf("  probe triad      %7.1f GB/s%n", triadGbs);
                console.out().printf("  ratio to read    %7.2f   (median of the rounds' ratios; quartiles %.2f..%.2f)%n",
                        ratioMedian, Stats.quantile(ratio, 0.25), Stats.quantile(ratio, 0.75));
                if (rows > 1) {
                    console.out().printf("  %d rows cost     %7.2f x one row   (one row: %.1f GB/s, %.3f ms)%n", rows, rowsCostMedian, oneGbs, tOne / 1e6);
                }
                console.out().printf("  in cache         %7.2f x one row   (%.3f ms, scaled from the first %d outputs kept in cache, %.1f GFLOP/s)%n",
                        cachedCostMedian, tCached / 1e6, nSmall, 2.0 * rows * n * k / tCached);
            }
            return 0;
        }
    }

    /** The calls being timed: one matmul per call, rotating over the weight copies. */
    private static final class Calls {
        private final WorkerPool pool;
        private final int n;
        private final int k;
        private final WeightType wt;
        private final MemorySegment[] weights;
        private final Panels[] panels;
        private final MemorySegment x;
        private final MemorySegment y;
        private int next;

        /** {@code panels}: copies of the weights to multiply by instead, or null. */
        Calls(WorkerPool pool, int n, int k, WeightType wt, MemorySegment[] weights, Panels[] panels, MemorySegment x, MemorySegment y) {
            this.pool = pool;
            this.n = n;
            this.k = k;
            this.wt = wt;
            this.weights = weights;
            this.panels = panels;
            this.x = x;
            this.y = y;
        }

        /** Nanoseconds per call over at least {@code millis} ms and one full rotation of the copies. */
        double timePerCall(int rows, int millis) {
            long start = System.nanoTime(), budget = millis * 1_000_000L;
            int count = 0;
            long now;
            do {
                if (panels != null) PanelGemm.matmulTransposed(pool, rows, x, 0, k, panels[next], y, 0, n, false);
                else SkinnyGemm.matmulTransposed(pool, rows, n, k, x, 0, k, wt, weights[next], 0, y, 0, n, false);
                next = (next + 1) % weights.length;
                count++;
                now = System.nanoTime();
            } while (now - start < budget || count < weights.length);
            return (now - start) / (double) count;
        }
    }

    /**
     * Weights like a trained layer's (normal, std 0.05): 16 Ki random values, repeated to fill each copy,
     * since filling hundreds of MiB value by value is slow.
     */
    private static MemorySegment randomPattern(Arena arena, SplittableRandom rnd, WeightType wt) {
        int patternFloats = 16 * 1024;
        MemorySegment pattern = arena.allocate((long) patternFloats * wt.elementBytes(), 64);
        for (int i = 0; i < patternFloats; i++) {
            float v = (float) (gaussian(rnd) * 0.05);
            switch (wt) {
                case F32 -> pattern.set(HalfFloats.FLOAT_LE, 4L * i, v);
                case BF16 -> pattern.set(HalfFloats.SHORT_LE, 2L * i, HalfFloats.floatToBf16(v));
                case F16 -> pattern.set(HalfFloats.SHORT_LE, 2L * i, HalfFloats.floatToF16(v));
            }
        }
        return pattern;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble(1e-12, 1), v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
