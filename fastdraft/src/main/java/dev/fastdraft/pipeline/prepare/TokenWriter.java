package dev.fastdraft.pipeline.prepare;

import dev.fastdraft.models.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Buffers token ids as little-endian uint32 (the {@link dev.fastdraft.pipeline.TokenFile} format) into a channel. */
final class TokenWriter {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long tokens;

    TokenWriter(FileChannel channel) {
        this.channel = channel;
    }

    void write(int id) throws IOException {
        if (buffer.remaining() < 4) drain();
        buffer.putInt(id);
        tokens++;
    }

    void write(int[] ids) throws IOException {
        for (int id : ids) write(id);
    }

    long tokens() {
        return tokens;
    }

    void flush() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        buffer.flip();
        AtomicFile.writeFully(channel, buffer);
        buffer.clear();
    }
}
