package dev.fastdraft.pipeline;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A token file: raw little-endian uint32 ids, no header, memory-mapped read-only. The format of
 * llm.c and nanoGPT's data shards, so corpora move between tools unchanged.
 */
public final class TokenFile implements AutoCloseable {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final long length;

    private TokenFile(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.length = data.byteSize() / 4;
    }

    public static TokenFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size % 4 != 0) throw new IllegalArgumentException(path + ": size " + size + " bytes is not a multiple of 4; a token file holds little-endian uint32 ids");
            Arena arena = Arena.ofShared();
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new TokenFile(path, arena, seg);
        }
    }

    public Path path() {
        return path;
    }

    public long length() {
        return length;
    }

    /** Token at {@code index}; ids above Integer.MAX_VALUE are reported, not wrapped. */
    public int get(long index) {
        int v = data.getAtIndex(U32, index);
        if (v < 0) throw new IllegalArgumentException(path + ": token " + Integer.toUnsignedString(v) + " at index " + index + " is not a valid id");
        return v;
    }

    /** Copies tokens [from, from+count) into {@code out} at {@code outOff}, checking each is below {@code vocab}. */
    public void read(long from, int[] out, int outOff, int count, int vocab) {
        if (from < 0 || from + count > length) throw new IndexOutOfBoundsException(path + ": tokens [" + from + ", " + (from + count) + ") outside the file's " + length + " tokens");
        for (int i = 0; i < count; i++) {
            int v = data.getAtIndex(U32, from + i);
            if (v < 0 || v >= vocab) {
                throw new IllegalArgumentException(path + ": token id " + Integer.toUnsignedString(v) + " at index " + (from + i) + " is outside the model's vocabulary of " + vocab + "; was the file made with another tokenizer?");
            }
            out[outOff + i] = v;
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
