package dev.fastdraft.models.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir Path dir;

    @Test
    void headerIsNumpyFormat10PaddedTo64() {
        byte[] h = Npy.header(new int[] {2, 3});
        assertEquals(0, h.length % 64);
        assertEquals(128, h.length, "10-byte prefix + 58-char dict + newline = 69, padded to 128");
        assertEquals((byte) 0x93, h[0]);
        assertEquals("NUMPY", new String(h, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, h[6]);
        assertEquals(0, h[7]);
        int len = (h[8] & 0xFF) | (h[9] & 0xFF) << 8;
        assertEquals(h.length - 10, len);
        String dict = new String(h, 10, len, StandardCharsets.US_ASCII);
        assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), dict);
        assertTrue(dict.endsWith("\n"));
        assertTrue(dict.substring(dict.indexOf('}') + 1, dict.length() - 1).isBlank(), "padding is spaces");

        assertTrue(new String(Npy.header(new int[] {5}), StandardCharsets.US_ASCII).contains("'shape': (5,)"), "1-tuples need a comma");
        assertTrue(new String(Npy.header(new int[] {}), StandardCharsets.US_ASCII).contains("'shape': ()"));
    }

    @Test
    void roundTripsShapesAndValues() throws IOException {
        float[] v = {1.5f, -2f, 0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN};
        Path f = dir.resolve("a.npy");
        Npy.write(f, v, 3, 2);
        Tensor t = Npy.read(f);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(v, t.toFloatArray());
        assertEquals(0, (Files.size(f) - 24) % 64, "data starts on a 64-byte boundary");

        Npy.write(f, new float[] {7f}); // rank 0
        assertEquals(0, Npy.read(f).rank());
        assertEquals(7f, Npy.read(f).get());

        Npy.write(f, new float[0], 0, 4);
        assertArrayEquals(new int[] {0, 4}, Npy.read(f).shape());
    }

    @Test
    void writesStridedAndHalfTensorsAsF32InCOrder() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Tensor src = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor bf = src.to(DType.BF16, arena).transpose(0, 1); // [3,2] strided BF16
            Path f = dir.resolve("t.npy");
            Npy.write(f, bf);
            Tensor back = Npy.read(f);
            assertArrayEquals(new int[] {3, 2}, back.shape());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.toFloatArray());
        }
    }

    @Test
    void readsFilesWrittenByNumpy() throws IOException {
        // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3) * 0.5) with numpy 2.4.6 (its header carries
        // extra spaces so the shape can grow in place; the reader must not care)
        Path f = dir.resolve("np.npy");
        Files.write(f, Base64.getDecoder().decode("k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAPwAAgD8AAMA/AAAAQAAAIEA="));
        Tensor t = Npy.read(f);
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, t.toFloatArray());

        // np.save(f, np.float32(3.25))
        Files.write(f, Base64.getDecoder().decode("k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAFBA"));
        assertEquals(3.25f, Npy.read(f).get());

        // np.save(f, np.arange(3, dtype='>f4')): big-endian is refused by name
        Files.write(f, Base64.getDecoder().decode("k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAP4AAAEAAAAA="));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains("'>f4'"), e.getMessage());
    }

    @Test
    void rejectsBrokenFiles() throws IOException {
        Path f = dir.resolve("bad.npy");
        Npy.write(f, new float[] {1, 2, 3, 4}, 4);
        byte[] good = Files.readAllBytes(f);

        Files.write(f, Arrays.copyOf(good, good.length - 4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(f)).getMessage().contains("needs 16 data bytes, file has 12"));

        byte[] magic = good.clone();
        magic[1] = 'X';
        Files.write(f, magic);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(f)).getMessage().contains("magic"));

        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xFF;
        longHeader[9] = (byte) 0xFF;
        Files.write(f, longHeader);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(f)).getMessage().contains("past the end"));

        String text = new String(good, StandardCharsets.ISO_8859_1).replace("False", "True ");
        Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(f)).getMessage().contains("Fortran"));

        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(f)).getMessage().contains("too short"));
    }
}
