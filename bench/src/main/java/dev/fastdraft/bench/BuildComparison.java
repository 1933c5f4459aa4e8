package dev.fastdraft.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Two builds of the kernels module in one JVM, each in its own class loader, their square SGEMMs called in
 * alternation on the same inputs: the speed ratio of each adjacent pair, and the median of those ratios.
 *
 * <p>On a shared machine the speed of a core swings by 30% or more from second to second, so two builds
 * timed one after the other (even in alternating JVMs) differ by more than most changes to a kernel. A
 * burst of load hits both calls of a pair alike, and the median pair ratio resolves differences of 2-3%.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.fastdraft.bench.BuildComparison \
 *     BEFORE AFTER [--size 1024,2048] [--threads 1] [--seconds 30]
 * </pre>
 * BEFORE and AFTER are the kernels module's classes (a {@code kernels/target/classes} folder or its jar)
 * of two builds.
 */
public final class BuildComparison {
    private record Build(MethodHandle sgemm, Object pool) {
        double time(int n, MemorySegment a, MemorySegment b, MemorySegment c) throws Throwable {
            long t0 = System.nanoTime();
            sgemm.invoke(pool, false, false, n, n, n, a, 0L, n, b, 0L, n, c, 0L, n, false);
            return System.nanoTime() - t0;
        }
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2 || !Files.exists(Path.of(args[0])) || !Files.exists(Path.of(args[1]))) {
            System.err.println("usage: BuildComparison BEFORE AFTER [--size N,N] [--threads T] [--seconds S]"
                    + " (BEFORE, AFTER: the kernels module's classes folder or jar of each build)");
            System.exit(2);
        }
        int[] sizes = Arrays.stream(option(args, "--size", "1024,2048").split(",")).mapToInt(Integer::parseInt).toArray();
        int threads = Integer.parseInt(option(args, "--threads", "1"));
        double seconds = Double.parseDouble(option(args, "--seconds", "30"));
        Build before = load(Path.of(args[0]), threads), after = load(Path.of(args[1]), threads);
        System.out.println("ratio = time before / time after, per adjacent pair of calls (above 1: after is faster)");
        for (int n : sizes) compare(before, after, n, threads, seconds);
    }

    private static void compare(Build before, Build after, int n, int threads, double seconds) throws Throwable {
        try (Arena arena = Arena.ofShared()) {
            long bytes = (long) n * n * Float.BYTES;
            MemorySegment a = random(arena, bytes, n), b = random(arena, bytes, n + 1);
            MemorySegment c1 = arena.allocate(bytes, 64), c2 = arena.allocate(bytes, 64);
            // warm-up: C2 compiles both builds on the cores being timed
            for (long t0 = System.nanoTime(); System.nanoTime() - t0 < 3e9; ) {
                before.time(n, a, b, c1);
                after.time(n, a, b, c2);
            }
            boolean identical = c1.mismatch(c2) == -1;
            List<Double> tb = new ArrayList<>(), ta = new ArrayList<>(), ratio = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 8 || System.nanoTime() - t0 < seconds * 1e9; i++) {
                // alternate which build goes first and which output each writes, so that neither always follows
                // the other's cache state or gets the better-placed buffer (a build against itself measured 1.04
                // with fixed buffers)
                MemorySegment cb = (i & 2) == 0 ? c1 : c2, ca = cb == c1 ? c2 : c1;
                double x, y;
                if ((i & 1) == 0) {
                    x = before.time(n, a, b, cb);
                    y = after.time(n, a, b, ca);
                } else {
                    y = after.time(n, a, b, ca);
                    x = before.time(n, a, b, cb);
                }
                tb.add(x);
                ta.add(y);
                ratio.add(x / y);
            }
            Collections.sort(tb);
            Collections.sort(ta);
            Collections.sort(ratio);
            double flop = 2.0 * n * n * n;
            System.out.printf(Locale.ROOT, "N=%d threads=%d pairs=%d: before %.1f GFLOPS best, %.1f median; after %.1f best, %.1f median;"
                            + " median pair ratio %.3f (quartiles %.3f-%.3f); results %s%n",
                    n, threads, ratio.size(),
                    flop / tb.get(0), flop / tb.get(tb.size() / 2), flop / ta.get(0), flop / ta.get(ta.size() / 2),
                    ratio.get(ratio.size() / 2), ratio.get(ratio.size() / 4), ratio.get(ratio.size() * 3 / 4),
                    identical ? "bit-identical" : "differ (other rounding)");
        }
    }

    private static Build load(Path classes, int threads) throws Exception {
        // the platform loader as parent: the JDK's modules are shared, the kernels classes are not
        ClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> poolClass = loader.loadClass("dev.fastdraft.kernels.WorkerPool");
        Object pool = poolClass.getConstructor(int.class).newInstance(threads);
        Class<?> sgemm = loader.loadClass("dev.fastdraft.kernels.gemm.Sgemm");
        MethodType type = MethodType.methodType(void.class, poolClass, boolean.class, boolean.class, int.class, int.class, int.class,
                MemorySegment.class, long.class, int.class, MemorySegment.class, long.class, int.class,
                MemorySegment.class, long.class, int.class, boolean.class);
        return new Build(MethodHandles.publicLookup().findStatic(sgemm, "sgemm", type), pool);
    }

    private static MemorySegment random(Arena arena, long bytes, long seed) {
        MemorySegment s = arena.allocate(bytes, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < bytes / Float.BYTES; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        return s;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 2; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
        return fallback;
    }
}
