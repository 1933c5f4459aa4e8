package dev.fastdraft.models.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.io.Json;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir Path dir;

    static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[(int) t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** A file made of an 8-byte little-endian length, {@code header} as given, and {@code dataBytes} bytes 0..n. */
    static byte[] handBuilt(String header, int dataBytes) {
        return handBuilt(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    static byte[] handBuilt(long declaredLength, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(h);
        for (int i = 0; i < dataBytes; i++) b.put((byte) i);
        return b.array();
    }

    private Path file(byte[] bytes) throws IOException {
        Path f = dir.resolve("model.safetensors");
        Files.write(f, bytes);
        return f;
    }

    private String openError(byte[] bytes) throws IOException {
        Path f = file(bytes);
        return assertThrows(IllegalArgumentException.class, () -> SafeTensors.open(f).close()).getMessage();
    }

    @Test
    void roundTripsEveryDtypeStridesAndMetadata() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Tensor w = random(1, 5, 7);
            Tensor bf = random(2, 3, 4).to(DType.BF16, arena);
            Tensor f16 = random(3, 6).to(DType.F16, arena);
            Tensor strided = random(4, 4, 9).transpose(0, 1).narrow(0, 2, 5); // [5,4] view, not contiguous
            Tensor scalar = Tensor.of(new float[] {42f});
            Tensor empty = Tensor.zeros(0, 3);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("model.layers.0.mlp.up_proj.weight", w);
            in.put("lm_head.weight", bf);
            in.put("model.norm.weight", f16);
            in.put("b.strided", strided);
            in.put("a.scalar", scalar);
            in.put("z.empty", empty);
            Path f = dir.resolve("out.safetensors");
            SafeTensorsWriter.write(f, in, Map.of("format", "pt", "note", "ünïcödé \"quoted\""));

            try (SafeTensors st = SafeTensors.open(f)) {
                assertEquals(List.of("a.scalar", "b.strided", "lm_head.weight", "model.layers.0.mlp.up_proj.weight", "model.norm.weight", "z.empty"), st.names());
                assertEquals(Map.of("format", "pt", "note", "ünïcödé \"quoted\""), st.metadata());
                assertEquals(List.of(), st.unsupported());
                for (Map.Entry<String, Tensor> e : in.entrySet()) {
                    Tensor back = st.tensor(e.getKey());
                    assertEquals(e.getValue().dtype(), back.dtype(), e.getKey());
                    assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
                    assertArrayEquals(e.getValue().toFloatArray(), back.toFloatArray(), e.getKey() + ": values bit-exact");
                    assertEquals(e.getValue().dtype(), st.info(e.getKey()).dtype());
                }
                Tensor view = st.tensor("model.layers.0.mlp.up_proj.weight");
                assertTrue(view.segment().isMapped(), "a view into the mapped file, not a copy");
                assertTrue(view.segment().isReadOnly());
                assertThrows(IllegalArgumentException.class, () -> view.set(1f, 0, 0), "the mapping is read-only");
            }
        }
    }

    @Test
    void layoutMatchesHuggingFace() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("b", Tensor.of(new float[] {1, 2, 3}, 3));
        in.put("a", Tensor.of(new float[] {4}, 1));
        Path f = dir.resolve("x.safetensors");
        SafeTensorsWriter.write(f, in, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}}", json);
        assertTrue(header.substring(json.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        assertEquals(8 + n + 16, bytes.length);
        assertEquals(4f, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + n)));
        assertEquals(1f, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + n + 4)));
    }

    @Test
    void readsAHandBuiltFileWithUnalignedOffsetsAndForeignDtypes() throws IOException {
        // 2 bytes of I8 first push the F32 tensor to data offset 2 (and the data section starts at an odd
        // position too), which views must handle
        String header = "{\"ids\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[2,10]},"
                + "\"pos\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[10,18]},"
                + "\"future\":{\"dtype\":\"F4_E2M1\",\"shape\":[4],\"data_offsets\":[18,20]},"
                + "\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] bytes = handBuilt(header, 20);
        int data = bytes.length - 20;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putFloat(data + 2, 1.25f).putFloat(data + 6, -3f);
        try (SafeTensors st = SafeTensors.open(file(bytes))) {
            assertArrayEquals(new float[] {1.25f, -3f}, st.tensor("w").toFloatArray());
            assertEquals(List.of("future", "ids", "pos"), st.unsupported());
            assertEquals("I64", st.info("pos").dtypeName());
            assertArrayEquals(new int[] {1}, st.info("pos").shape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.tensor("pos"));
            assertEquals("model.safetensors: tensor 'pos' has dtype I64, which FastDraft does not load (supported: F32, BF16, F16)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> st.tensor("future"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> st.tensor("nope")).getMessage().contains("no tensor 'nope'"));
        }
    }

    @Test
    void filesLargerThan2GBMapWhole() throws IOException {
        // A sparse 3 GB file: the tensor sits past 2^31 bytes, where int offsets would overflow.
        long begin = (1L << 31) + 4;
        String header = "{\"far\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + begin + "," + (begin + 8) + "]}}";
        byte[] head = handBuilt(header, 0);
        Path f = dir.resolve("big.safetensors");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head);
            raf.setLength(3L << 30);
            raf.seek(head.length + begin);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).putFloat(-1f).array());
        }
        try (SafeTensors st = SafeTensors.open(f)) {
            assertEquals((3L << 30) - head.length, st.dataSize());
            assertArrayEquals(new float[] {2.5f, -1f}, st.tensor("far").toFloatArray());
        }
    }

    @Test
    void rejectsOffsetsPastTheDataSection() throws IOException {
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}}";
        assertEquals("model.safetensors: tensor 'x' data_offsets [0,400] end past the data section of 16 bytes", openError(handBuilt(header, 16)));
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        String header = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[4,4],\"data_offsets\":[0,32]}}";
        byte[] full = handBuilt(header, 32);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 5);
        assertTrue(openError(cut).endsWith("data_offsets [0,32] end past the data section of 27 bytes"));
        // cut inside the header itself
        assertTrue(openError(java.util.Arrays.copyOf(full, 20)).contains("runs past the end of the 20-byte file"));
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
        String m = openError(handBuilt(header, 16));
        assertEquals("model.safetensors: tensor 'b' data_offsets [8,16] overlap tensor 'a' data_offsets [0,16]", m);
        // a small tensor nested inside a large one, listed after another tensor that ends earlier
        String nested = "{\"big\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[0,32]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}}";
        assertTrue(openError(handBuilt(nested, 32)).contains("tensor 'c' data_offsets [24,28] overlap tensor 'big'"));
        // zero-sized tensors never overlap anything
        String empty = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}";
        try (SafeTensors st = SafeTensors.open(file(handBuilt(empty, 16)))) {
            assertEquals(0, st.tensor("e").numel());
        }
    }

    @Test
    void rejectsBadHeaderLengths() throws IOException {
        String header = "{}";
        assertTrue(openError(handBuilt(1000, header, 0)).contains("header length 1000 runs past the end of the 10-byte file"));
        assertTrue(openError(handBuilt(200_000_000L, header, 0)).contains("header length 200000000 is not plausible"));
        assertTrue(openError(handBuilt(-1L, header, 0)).contains("header length 18446744073709551615 is not plausible"));
        assertTrue(openError(new byte[] {1, 0, 0}).contains("file of 3 bytes is too short"));
        assertTrue(openError(handBuilt(0, "", 0)).contains("too short for a JSON object"));
    }

    @Test
    void rejectsWrongSizesShapesAndTypes() throws IOException {
        assertEquals("model.safetensors: tensor 'x' data_offsets [0,8] hold 8 bytes, but F32 shape [2, 2] needs 16 (4 x 4)",
                openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", 16)));
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,12]}}", 16))
                .contains("I64 shape [3] needs 24"), "sizes are checked for dtypes we do not load too");
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4))
                .contains("tensor 'x' shape [-1]: dimension 0 is not an integer"));
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4))
                .contains("dimension 0 is not an integer"));
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536,65536],\"data_offsets\":[0,4]}}", 4))
                .contains("too many elements"));
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4))
                .contains("data_offsets [4,0] end before begin"));
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4))
                .contains("data_offsets begin -4 is not a non-negative integer"));
        assertTrue(openError(handBuilt("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4))
                .contains("needs 'data_offsets' as an array [begin, end]"));
        assertTrue(openError(handBuilt("{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).contains("tensor 'x' has no string field 'dtype'"));
        assertTrue(openError(handBuilt("{\"x\":[1,2]}", 4)).contains("tensor 'x' must be an object"));
        assertTrue(openError(handBuilt("[1,2]", 4)).contains("header must be a JSON object"));
        assertTrue(openError(handBuilt("{\"x\": ", 4)).contains("header is not valid JSON"));
        assertTrue(openError(handBuilt("{\"__metadata__\":{\"n\":3}}", 0)).contains("__metadata__ value for 'n' must be a string"));
        byte[] badUtf8 = handBuilt("{\"x\":1}", 0);
        badUtf8[10] = (byte) 0xC3;
        assertTrue(openError(badUtf8).contains("not valid UTF-8"));
    }

    @Test
    void tensorsOfAClosedFileFailCleanly() throws IOException {
        Path f = dir.resolve("c.safetensors");
        SafeTensorsWriter.write(f, Map.of("w", random(5, 3, 3)));
        SafeTensors st = SafeTensors.open(f);
        Tensor w = st.tensor("w");
        st.close();
        st.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> w.get(0, 0), "access after unmapping throws instead of crashing");
        assertThrows(IllegalStateException.class, () -> st.tensor("w"));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaries() throws IOException {
        Path f = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(f, Map.of("old", Tensor.of(new float[] {1, 2}, 2)));
        byte[] before = Files.readAllBytes(f);
        Arena gone = Arena.ofConfined();
        Tensor dead = Tensor.allocate(gone, DType.F32, 1000);
        gone.close(); // reading it now throws mid-write, after the header and the first tensor went out
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", random(1, 100));
        in.put("b", dead);
        assertThrows(IllegalStateException.class, () -> SafeTensorsWriter.write(f, in));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void writerRefusesReservedOrEmptyNames() {
        Path f = dir.resolve("x.safetensors");
        Tensor t = Tensor.of(new float[] {1}, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(f, Map.of("__metadata__", t))).getMessage().contains("reserved"));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(f, Map.of("", t)));
        assertFalse(Files.exists(f));
    }

    @Test
    void headerJsonStaysParseable() {
        // names with quotes and backslashes survive the JSON round trip
        java.util.TreeMap<String, Tensor> m = new java.util.TreeMap<>(Map.of("we\"ird\\name", Tensor.of(new float[] {1}, 1)));
        String json = new String(SafeTensorsWriter.header(m, Map.of()), StandardCharsets.UTF_8).strip();
        assertTrue(((Map<?, ?>) Json.parse(json)).containsKey("we\"ird\\name"));
    }
}
