package dev.fastdraft.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A fixed pool of worker threads for data-parallel loops with a fixed cost of a few microseconds.
 *
 * <p>Decode-time ops last microseconds, so an executor round-trip (tens of microseconds) would
 * dominate. Workers spin briefly on a generation counter after each job before parking, and the
 * calling thread takes tasks too. Tasks are claimed from a shared counter, so uneven tasks balance.
 * A {@code parallelFor} issued from inside a task runs inline (no nested parallelism, no deadlock);
 * concurrent callers from unrelated threads take turns.
 */
public final class WorkerPool implements AutoCloseable {
    private static final long SPIN_NANOS = 200_000;
    private static volatile WorkerPool common;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock submit = new ReentrantLock();
    private final ThreadLocal<Boolean> inTask = ThreadLocal.withInitial(() -> false);

    /** The latest job; a new object per call, so a late worker can only ever claim from its own job. */
    private volatile Job current = new Job(i -> {}, 0);
    private volatile boolean closed;

    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }

        void run() {
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("WorkerPool: threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    /**
     * The pool shared by default, sized to the physical cores (override with the system property
     * {@code fastdraft.threads}). Its threads are daemons, so it never keeps a JVM alive.
     */
    public static WorkerPool common() {
        WorkerPool p = common;
        if (p == null) {
            synchronized (WorkerPool.class) {
                if (common == null) common = new WorkerPool(defaultThreads());
                p = common;
            }
        }
        return p;
    }

    public static int defaultThreads() {
        String prop = System.getProperty("fastdraft.threads");
        if (prop != null && !prop.isBlank()) {
            try {
                int n = Integer.parseInt(prop.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the detected value
            }
            throw new IllegalArgumentException("system property fastdraft.threads must be a positive integer, got '" + prop + "'");
        }
        return physicalCores();
    }

    /**
     * Physical cores this process may run on (SMT siblings share the FMA units, so they add nothing to dense
     * compute): on Linux the CPUs of its affinity mask counted by core, so that a container pinned to two
     * siblings of one core gets one thread; elsewhere the logical count.
     */
    public static int physicalCores() {
        int logical = Runtime.getRuntime().availableProcessors();
        try {
            String allowed = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) allowed = line.substring(line.indexOf(':') + 1).trim();
            }
            Set<String> cores = new HashSet<>();
            for (int cpu : cpuList(allowed)) {
                Path topology = Path.of("/sys/devices/system/cpu/cpu" + cpu + "/topology");
                cores.add(Files.readString(topology.resolve("physical_package_id")).trim() + "/" + Files.readString(topology.resolve("core_id")).trim());
            }
            if (!cores.isEmpty()) return Math.max(1, Math.min(logical, cores.size()));
        } catch (Exception ignored) {
            // not Linux, or /proc and /sys unreadable: use the logical count
        }
        return logical;
    }

    /** The CPUs of a Linux CPU list such as "0-3,8,10-11". */
    static List<Integer> cpuList(String list) {
        List<Integer> cpus = new java.util.ArrayList<>();
        if (list == null || list.isBlank()) return cpus;
        for (String part : list.split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).trim());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
            for (int c = from; c <= to; c++) cpus.add(c);
        }
        return cpus;
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body.accept(i)} for every i in [0, tasks) across the pool; returns when all are done. */
    public void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        if (tasks == 1 || workers.length == 0 || inTask.get() || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        if (closed) throw new IllegalStateException("WorkerPool: parallelFor after close()");
        submit.lock();
        inTask.set(true);
        try {
            Job job = new Job(body, tasks);
            current = job;
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            job.run();
            while (job.done.get() < tasks) Thread.onSpinWait();
            Throwable f = job.failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error er) throw er;
                throw new RuntimeException(f);
            }
        } finally {
            inTask.set(false);
            submit.unlock();
        }
    }

    /** Splits [0, n) into about {@code threads * perThread} contiguous ranges and runs them in parallel. */
    public void parallelRange(int n, int minChunk, RangeBody range) {
        if (n <= 0) return;
        int chunks = Math.max(1, Math.min(threads * 4, (n + minChunk - 1) / Math.max(1, minChunk)));
        int per = (n + chunks - 1) / chunks;
        int count = (n + per - 1) / per;
        parallelFor(count, c -> range.run(c * per, Math.min(n, (c + 1) * per)));
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(int index) {
            super("fastdraft-worker-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = current;
            while (!closed) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                int spins = 0;
                while (current == seen && !closed) {
                    if (++spins % 64 == 0 && System.nanoTime() > spinUntil) {
                        parked = true;
                        if (current == seen && !closed) LockSupport.parkNanos(this, 50_000_000L);
                        parked = false;
                    } else {
                        Thread.onSpinWait();
                    }
                }
                if (closed) return;
                seen = current;
                seen.run();
            }
        }
    }
}
