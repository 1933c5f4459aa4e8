package dev.fastdraft.models.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import dev.fastdraft.engine.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir Path dir;

    private static final Tensor A = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    private static final Tensor B = Tensor.of(new float[] {5, 6, 7}, 3);
    private static final Tensor C = Tensor.of(new float[] {8}, 1);

    private void writeSharded(String index) throws IOException {
        SafeTensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("a", A, "b", B), Map.of("format", "pt"));
        SafeTensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), Map.of("c", C), Map.of("format", "pt"));
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), index);
    }

    private static final String INDEX = """
            {"metadata": {"total_size": 32},
             "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
                            "c": "model-00002-of-00002.safetensors"}}
            """;

    @Test
    void opensASingleFileDirectory() throws IOException {
        SafeTensorsWriter.write(dir.resolve("model.safetensors"), Map.of("a", A, "c", C), Map.of("format", "pt"));
        try (Checkpoint ck = Checkpoint.open(dir)) {
            assertEquals(List.of("a", "c"), ck.names());
            assertTrue(ck.has("a"));
            assertFalse(ck.has("b"));
            assertArrayEquals(A.toFloatArray(), ck.tensor("a").toFloatArray());
            assertEquals(Map.of("format", "pt"), ck.metadata());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ck.tensor("model.embed_tokens.weight"));
            assertEquals("tensor 'model.embed_tokens.weight' not found in checkpoint " + dir + " (2 tensors)", e.getMessage());
        }
        try (Checkpoint ck = Checkpoint.open(dir.resolve("model.safetensors"))) {
            assertEquals(List.of("a", "c"), ck.names());
        }
    }

    @Test
    void opensShardsThroughTheIndex() throws IOException {
        writeSharded(INDEX);
        Checkpoint ck = Checkpoint.open(dir);
        assertEquals(List.of("a", "b", "c"), ck.names());
        assertEquals(2, ck.files().size());
        assertArrayEquals(B.toFloatArray(), ck.tensor("b").toFloatArray());
        assertArrayEquals(C.toFloatArray(), ck.tensor("c").toFloatArray());
        assertEquals("32", ck.metadata().get("total_size"));
        assertArrayEquals(new int[] {2, 2}, ck.info("a").shape());
        Tensor c = ck.tensor("c");
        ck.close();
        assertThrows(IllegalStateException.class, () -> c.get(0), "close() unmaps every shard");
        assertThrows(IllegalStateException.class, () -> ck.tensor("a"));
    }

    @Test
    void brokenIndexesFailAtOpen() throws IOException {
        writeSharded("{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\", \"c\": \"model-00001-of-00002.safetensors\"}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir));
        assertEquals(Checkpoint.INDEX_FILE + ": weight_map puts tensor 'c' in model-00001-of-00002.safetensors, which does not contain it", e.getMessage());

        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"a\": \"model-00009-of-00009.safetensors\"}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir)).getMessage()
                .contains("shard 'model-00009-of-00009.safetensors' (holding 'a') does not exist"));

        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"a\": \"../../etc/passwd\"}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir)).getMessage().contains("points outside"));

        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\": {}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir)).getMessage().contains("has no object 'weight_map'"));

        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": ");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir)).getMessage().contains("malformed JSON"));
    }

    @Test
    void aDirectoryWithoutSafetensorsIsNamed() throws IOException {
        Files.writeString(dir.resolve("pytorch_model.bin"), "not really");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().startsWith(dir + ": no model.safetensors or model.safetensors.index.json"), e.getMessage());
        assertTrue(e.getMessage().contains("convert them to safetensors"));
    }
}
