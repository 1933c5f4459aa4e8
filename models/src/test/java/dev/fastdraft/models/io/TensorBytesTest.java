package dev.fastdraft.models.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBytesTest {
    @TempDir Path dir;

    private float[] writeAndReadBack(Tensor t, DType as) throws IOException {
        Path f = dir.resolve("t.bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            TensorBytes.write(ch, t, as);
        }
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertEquals(t.numel() * as.byteSize(), ch.size());
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return Tensor.wrap(as, m, 0, t.shape()).toFloatArray();
        }
    }

    private static Tensor random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, rows, cols);
    }

    @Test
    void largeStridedTensorsAreSplitIntoChunksInRowMajorOrder() throws IOException {
        // [1031, 4099] transposed: 4.2M elements, above CHUNK_ELEMENTS, so the narrow() split runs (odd sizes
        // make the last chunk partial)
        Tensor t = random(1031, 4099, 1).transpose(0, 1);
        assertTrue(t.numel() > TensorBytes.CHUNK_ELEMENTS);
        assertArrayEquals(t.toFloatArray(), writeAndReadBack(t, DType.F32));
    }

    @Test
    void rowsLargerThanAChunkAreSplitBySelect() throws IOException {
        // [4194311, 2] transposed to [2, 4194311]: one row alone exceeds CHUNK_ELEMENTS
        Tensor t = random(4_194_311, 2, 2).transpose(0, 1);
        assertTrue(t.numel() / t.dim(0) > TensorBytes.CHUNK_ELEMENTS);
        assertArrayEquals(t.toFloatArray(), writeAndReadBack(t, DType.F32));
    }

    @Test
    void convertsDtypesExactlyLikeTheEngine() throws IOException {
        Tensor t = random(37, 3, 3);
        try (Arena arena = Arena.ofConfined()) {
            for (DType d : DType.values()) {
                float[] expected = t.to(d, arena).toFloatArray();
                assertArrayEquals(expected, writeAndReadBack(t, d), d.toString());
                assertArrayEquals(t.to(d, arena).transpose(0, 1).toFloatArray(), writeAndReadBack(t.to(d, arena).transpose(0, 1), d), d + " strided");
            }
        }
    }

    @Test
    void offsetViewsWriteOnlyTheirElements() throws IOException {
        Tensor t = random(10, 8, 4);
        Tensor view = t.narrow(0, 3, 2); // contiguous view at a non-zero offset
        assertTrue(view.isContiguous());
        float[] written = writeAndReadBack(view, DType.F32);
        assertEquals(16, written.length);
        assertArrayEquals(view.toFloatArray(), written);
        assertEquals(t.get(3, 0), written[0]);
    }
}
