package dev.fastdraft.models.io;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Streams a tensor's elements, in row-major order, as little-endian bytes of a chosen dtype. Contiguous
 * tensors of that dtype are copied as they are; others are converted a bounded chunk at a time, so writing
 * a multi-gigabyte tensor never needs a second copy of it in memory.
 */
public final class TensorBytes {
    private TensorBytes() {}

    /** Elements converted per chunk: 4M elements, 16 MB of F32. */
    static final long CHUNK_ELEMENTS = 1L << 22;
    private static final int BUFFER_BYTES = 1 << 20;

    /** Tensors hold native-order memory, and the file formats we write are little-endian. */
    public static void requireLittleEndian(String op) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException(op + ": needs a little-endian machine (this one is " + ByteOrder.nativeOrder() + ")");
        }
    }

    /** Writes {@code t}'s elements as {@code as} to {@code ch} at its current position. */
    public static void write(FileChannel ch, Tensor t, DType as) throws IOException {
        requireLittleEndian("TensorBytes.write");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(BUFFER_BYTES, 64);
            writePiece(ch, t, as, buffer);
        }
    }

    private static void writePiece(FileChannel ch, Tensor t, DType as, MemorySegment buffer) throws IOException {
        if (t.numel() == 0) return;
        if (t.dtype() == as && t.isContiguous()) {
            copyOut(ch, t.segment(), t.offset() * as.byteSize(), t.byteSize(), buffer);
            return;
        }
        if (t.numel() <= CHUNK_ELEMENTS) {
            try (Arena arena = Arena.ofConfined()) {
                Tensor converted = t.to(as, arena);
                copyOut(ch, converted.segment(), 0, converted.byteSize(), buffer);
            }
            return;
        }
        // Too big to convert at once: split along dim 0 into pieces of at most CHUNK_ELEMENTS.
        int rows = t.dim(0);
        long perRow = t.numel() / rows;
        if (perRow > CHUNK_ELEMENTS) {
            for (int i = 0; i < rows; i++) writePiece(ch, t.select(0, i), as, buffer);
            return;
        }
        int step = (int) Math.max(1, CHUNK_ELEMENTS / perRow);
        for (int start = 0; start < rows; start += step) {
            writePiece(ch, t.narrow(0, start, Math.min(step, rows - start)), as, buffer);
        }
    }

    // Heap segments backed by float[] cannot become ByteBuffers, so everything goes through a direct buffer.
    private static void copyOut(FileChannel ch, MemorySegment src, long from, long bytes, MemorySegment buffer) throws IOException {
        long done = 0;
        while (done < bytes) {
            int n = (int) Math.min(buffer.byteSize(), bytes - done);
            MemorySegment.copy(src, from + done, buffer, 0, n);
            ByteBuffer bb = buffer.asSlice(0, n).asByteBuffer();
            AtomicFile.writeFully(ch, bb);
            done += n;
        }
    }
}
