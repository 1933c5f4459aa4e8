package dev.fastdraft.engine.device;

import dev.fastdraft.engine.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times a matmul on a device against the same matmul on a peer (the CPU kernels) in the same run, on the
 * same native inputs: the two alternate in rounds so a burst of load from elsewhere hits both, each after a
 * warm-up; best and median are reported, and the device's result is checked against the peer's.
 * For {@code bench matmul --device D}: see engine/README-devices.md for the wiring.
 */
public final class DeviceMatmulBench {
    private DeviceMatmulBench() {}

    /** Timings in milliseconds per call; {@code maxRelativeDifference} = max|device - peer| / max|peer|. */
    public record Result(String op, String device, String peer, int m, int n, int k, double flops,
                         double deviceBestMs, double deviceMedianMs, double peerBestMs, double peerMedianMs,
                         double maxRelativeDifference, long bytesCopiedPerCall) {
        public double deviceGflops() {
            return flops / deviceBestMs / 1e6;
        }

        public double peerGflops() {
            return flops / peerBestMs / 1e6;
        }

        /** Device speed relative to the peer: above 1 means the device is faster. */
        public double speedup() {
            return peerBestMs / deviceBestMs;
        }
    }

    /** Square C[n x n] = A . B. */
    public static Result sgemm(ComputeDevice device, String peerName, MatmulOps peer, int n, int rounds, int perRound) {
        if (n < 1) throw new IllegalArgumentException("DeviceMatmulBench.sgemm: size must be >= 1, got " + n);
        try (Arena arena = Arena.ofShared()) { // shared: multi-threaded CPU kernels must reach the inputs
            long bytes = (long) n * n * 4;
            MemorySegment a = random(arena, bytes, 1), b = random(arena, bytes, 2);
            MemorySegment cDev = arena.allocate(bytes, 64), cPeer = arena.allocate(bytes, 64);
            Runnable onDevice = () -> device.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, cDev, 0, n, false);
            Runnable onPeer = () -> peer.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, cPeer, 0, n, false);
            return measure("sgemm", device, peerName, onDevice, onPeer, n, n, n, 2.0 * n * n * n, rounds, perRound, cPeer, cDev, (long) n * n);
        }
    }

    /** Y[rows x n] = X[rows x k] . W^T with W stored as {@code wt}: the decoding matmul. */
    public static Result matmulTransposed(ComputeDevice device, String peerName, MatmulOps peer, DType wt, int rows, int n, int k,
                                          int rounds, int perRound) {
        if (rows < 1 || n < 1 || k < 1) throw new IllegalArgumentException("DeviceMatmulBench.matmulTransposed: sizes must be >= 1");
        try (Arena arena = Arena.ofShared()) { // shared: multi-threaded CPU kernels must reach the inputs
            MemorySegment x = random(arena, (long) rows * k * 4, 3);
            MemorySegment w = arena.allocate((long) n * k * wt.byteSize(), 64);
            SplittableRandom rnd = new SplittableRandom(4);
            for (long i = 0; i < (long) n * k; i++) {
                float v = (float) (rnd.nextDouble() * 2 - 1);
                switch (wt) {
                    case F32 -> w.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                    case BF16 -> w.setAtIndex(ValueLayout.JAVA_SHORT, i, dev.fastdraft.kernels.convert.HalfFloats.floatToBf16(v));
                    case F16 -> w.setAtIndex(ValueLayout.JAVA_SHORT, i, Float.floatToFloat16(v));
                }
            }
            MemorySegment yDev = arena.allocate((long) rows * n * 4, 64), yPeer = arena.allocate((long) rows * n * 4, 64);
            Runnable onDevice = () -> device.matmulTransposed(rows, n, k, x, 0, k, wt, w, 0, yDev, 0, n, false);
            Runnable onPeer = () -> peer.matmulTransposed(rows, n, k, x, 0, k, wt, w, 0, yPeer, 0, n, false);
            return measure("matmulTransposed " + wt, device, peerName, onDevice, onPeer, rows, n, k, 2.0 * rows * n * k, rounds, perRound,
                    yPeer, yDev, (long) rows * n);
        }
    }

    private static Result measure(String op, ComputeDevice device, String peerName, Runnable onDevice, Runnable onPeer,
                                  int m, int n, int k, double flops, int rounds, int perRound,
                                  MemorySegment expected, MemorySegment got, long elems) {
        if (rounds < 1 || perRound < 1) throw new IllegalArgumentException("DeviceMatmulBench: rounds and runs per round must be >= 1");
        onDevice.run(); // warm-up: kernel compilation, driver first-touch, JIT
        onPeer.run();
        double diff = Devices.maxRelativeDifference(expected, got, elems);
        long copiedBefore = device.bytesCopied();
        double[] dev = new double[rounds * perRound], peer = new double[rounds * perRound];
        int i = 0, j = 0;
        for (int r = 0; r < rounds; r++) {
            for (int p = 0; p < perRound; p++) dev[i++] = timeMs(onDevice);
            for (int p = 0; p < perRound; p++) peer[j++] = timeMs(onPeer);
        }
        long copiedPerCall = (device.bytesCopied() - copiedBefore) / dev.length;
        Arrays.sort(dev);
        Arrays.sort(peer);
        return new Result(op, device.device().id(), peerName, m, n, k, flops, dev[0], dev[dev.length / 2], peer[0], peer[peer.length / 2],
                diff, copiedPerCall);
    }

    private static double timeMs(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static MemorySegment random(Arena arena, long bytes, long seed) {
        MemorySegment s = arena.allocate(bytes, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (long i = 0; i < bytes / 4; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextDouble() * 2 - 1));
        return s;
    }

}
