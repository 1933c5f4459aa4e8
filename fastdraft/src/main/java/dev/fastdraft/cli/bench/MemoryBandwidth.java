package dev.fastdraft.cli.bench;

import dev.fastdraft.kernels.LargePages;
import dev.fastdraft.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory bandwidth as Java code can use it: the peer that weight-streaming kernels are
 * compared against. Two probes over off-heap buffers much larger than the last-level cache, split among the
 * pool's threads in contiguous ranges:
 * <ul>
 *   <li>{@link #read}: a vector sum over one buffer (what a GEMV does with its weights), four streams per thread;</li>
 *   <li>{@link #triad}: STREAM's {@code a = b + s * c}, counted as 12 bytes per element like STREAM does
 *       (the write-allocate read of {@code a} is not counted).</li>
 * </ul>
 * Each call times one pass and returns GB/s (10^9 bytes per second); repeat and take the median, since the
 * figure swings with whatever else the machine is doing.
 */
public final class MemoryBandwidth implements AutoCloseable {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long CHUNK_BYTES = 4L << 20;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment readBuffer;
    private final MemorySegment a;
    private final MemorySegment b;
    private final MemorySegment c;
    /** Keeps the read sums alive, so the loads cannot be optimised away. */
    private volatile float sink;

    /** Allocates (and touches) one read buffer of {@code readBytes} and three triad arrays of {@code triadBytes} each. */
    public MemoryBandwidth(long readBytes, long triadBytes) {
        long unit = (long) F.length() * 4 * Float.BYTES;
        readBytes = Math.max(unit, readBytes / unit * unit);
        triadBytes = Math.max(unit, triadBytes / unit * unit);
        // on the pages the panel copies that decoding reads get, so that a ratio to the probe does not credit the kernel with the page size
        readBuffer = LargePages.allocate(readBytes, arena);
        a = LargePages.allocate(triadBytes, arena);
        b = LargePages.allocate(triadBytes, arena);
        c = LargePages.allocate(triadBytes, arena);
        readBuffer.fill((byte) 0x3F); // 0x3F3F3F3F = 0.75f: normal floats, no denormal slow paths
        a.fill((byte) 0);
        b.fill((byte) 0x3F);
        c.fill((byte) 0x3F);
    }

    /** Bytes {@link #standard()} allocates. */
    static final long STANDARD_BYTES = (256L << 20) + 3 * (64L << 20);

    /** Sizes used by the bench commands: 256 MiB to read, 3 x 64 MiB for the triad (far beyond a 32 MiB L3). */
    public static MemoryBandwidth standard() {
        return new MemoryBandwidth(256L << 20, 64L << 20);
    }

    public long readBytes() {
        return readBuffer.byteSize();
    }

    /** One pass of a read-only vector sum over the read buffer; GB/s. */
    public double read(WorkerPool pool) {
        long bytes = readBuffer.byteSize();
        int chunks = (int) ((bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
        float[] sums = new float[chunks];
        long t0 = System.nanoTime();
        pool.parallelFor(chunks, ch -> {
            long from = ch * CHUNK_BYTES;
            sums[ch] = sum(readBuffer, from, Math.min(bytes, from + CHUNK_BYTES));
        });
        long t1 = System.nanoTime();
        float total = 0;
        for (float s : sums) total += s;
        sink = total;
        return bytes / (double) (t1 - t0);
    }

    /** One pass of {@code a = b + 3 * c} over the triad arrays; GB/s counting 12 bytes per float. */
    public double triad(WorkerPool pool) {
        long bytes = a.byteSize();
        int chunks = (int) ((bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
        long t0 = System.nanoTime();
        pool.parallelFor(chunks, ch -> {
            long from = ch * CHUNK_BYTES;
            triad(from, Math.min(bytes, from + CHUNK_BYTES));
        });
        long t1 = System.nanoTime();
        return 3.0 * bytes / (t1 - t0);
    }

    /**
     * Sum of [from, to) read as four streams at once, one per quarter: a single sequential stream per core
     * measured about 60% of what four deliver here (13-15 against 21-24 GB/s on two threads), and the probe
     * is meant to show what the machine can give.
     */
    private static float sum(MemorySegment seg, long from, long to) {
        long step = F.vectorByteSize();
        long quarter = (to - from) / 4 / step * step;
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (long off = from; off < from + quarter; off += step) {
            s0 = s0.add(FloatVector.fromMemorySegment(F, seg, off, NATIVE));
            s1 = s1.add(FloatVector.fromMemorySegment(F, seg, off + quarter, NATIVE));
            s2 = s2.add(FloatVector.fromMemorySegment(F, seg, off + 2 * quarter, NATIVE));
            s3 = s3.add(FloatVector.fromMemorySegment(F, seg, off + 3 * quarter, NATIVE));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (long off = from + 4 * quarter; off < to; off += Float.BYTES) s += seg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off);
        return s;
    }

    private void triad(long from, long to) {
        long step = F.vectorByteSize();
        long off = from;
        for (; off + step <= to; off += step) {
            FloatVector vb = FloatVector.fromMemorySegment(F, b, off, NATIVE);
            FloatVector vc = FloatVector.fromMemorySegment(F, c, off, NATIVE);
            vc.mul(3f).add(vb).intoMemorySegment(a, off, NATIVE);
        }
        for (; off < to; off += Float.BYTES) {
            a.set(ValueLayout.JAVA_FLOAT_UNALIGNED, off, b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off) + 3f * c.get(ValueLayout.JAVA_FLOAT_UNALIGNED, off));
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
