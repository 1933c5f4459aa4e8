package dev.fastdraft.models.checkpoint;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.io.AtomicFile;
import dev.fastdraft.models.io.Json;
import dev.fastdraft.models.io.TensorBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files the way Hugging Face's library does: {@code __metadata__} first, the header padded
 * with spaces to a multiple of 8 bytes, tensors packed back to back in sorted name order, each in its own
 * dtype and converted to contiguous row-major layout. The file is replaced atomically (see {@link AtomicFile}).
 */
public final class SafeTensorsWriter {
    private SafeTensorsWriter() {}

    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        TensorBytes.requireLittleEndian("SafeTensorsWriter.write");
        TreeMap<String, Tensor> sorted = new TreeMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("SafeTensorsWriter: empty tensor name for " + file.getFileName());
            if (name.equals("__metadata__")) throw new IllegalArgumentException("SafeTensorsWriter: '__metadata__' is reserved and cannot name a tensor");
            if (e.getValue() == null) throw new IllegalArgumentException("SafeTensorsWriter: tensor '" + name + "' is null");
            sorted.put(name, e.getValue());
        }
        byte[] header = header(sorted, metadata);
        AtomicFile.write(file, ch -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            AtomicFile.writeFully(ch, len);
            AtomicFile.writeFully(ch, ByteBuffer.wrap(header));
            for (Tensor t : sorted.values()) TensorBytes.write(ch, t, t.dtype());
        });
    }

    /** The JSON header, space-padded to a multiple of 8 bytes. */
    static byte[] header(TreeMap<String, Tensor> sorted, Map<String, String> metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            Map<String, Object> meta = new TreeMap<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException("SafeTensorsWriter: metadata keys and values must not be null");
                meta.put(e.getKey(), e.getValue());
            }
            root.put("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().safetensorsName());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {offset, offset + t.byteSize()});
            root.put(e.getKey(), entry);
            offset += t.byteSize();
        }
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) out[i] = ' ';
        return out;
    }
}
