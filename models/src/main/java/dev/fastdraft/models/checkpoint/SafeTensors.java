package dev.fastdraft.models.checkpoint;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.io.TensorBytes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A read-only, memory-mapped safetensors file. Opening maps the whole file and validates the header; tensors
 * are views into the mapping (no copy, no conversion), so opening a 16 GB checkpoint costs the header parse,
 * and pages are read in by the OS as they are touched.
 *
 * <p>{@link #close()} unmaps the file. Tensors obtained earlier must not be used afterwards: the FFM API makes
 * such an access throw {@link IllegalStateException} rather than crash. The mapping is shared, so tensors may be
 * read from any thread.
 */
public final class SafeTensors implements AutoCloseable {
    private final Path path;
    private final String fileName;
    private final Arena arena;
    private final MemorySegment data;
    private final SafeTensorsHeader header;

    private SafeTensors(Path path, Arena arena, MemorySegment data, SafeTensorsHeader header) {
        this.path = path;
        this.fileName = String.valueOf(path.getFileName());
        this.arena = arena;
        this.data = data;
        this.header = header;
    }

    public static SafeTensors open(Path file) throws IOException {
        TensorBytes.requireLittleEndian("SafeTensors.open");
        String name = String.valueOf(file.getFileName());
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IllegalArgumentException(name + ": file of " + size + " bytes is too short for a safetensors header");
            MemorySegment whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = SafeTensorsHeader.checkLength(name, size, whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            long dataStart = 8 + headerLength;
            SafeTensorsHeader header = SafeTensorsHeader.parse(name, whole.asSlice(8, headerLength).asByteBuffer(), size - dataStart);
            // Each tensor's range was checked against this slice, and the slice's bounds are enforced by FFM.
            return new SafeTensors(file, arena, whole.asSlice(dataStart), header);
        } catch (Throwable t) {
            arena.close();
            throw t;
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in sorted order, including those with dtypes we do not load. */
    public List<String> names() {
        return List.copyOf(header.tensors().keySet());
    }

    public boolean has(String name) {
        return header.tensors().containsKey(name);
    }

    /** Names of tensors whose dtype FastDraft does not load (e.g. I64 position ids, F8 weights). */
    public List<String> unsupported() {
        List<String> out = new ArrayList<>();
        for (TensorInfo t : header.tensors().values()) if (!t.supported()) out.add(t.name());
        return out;
    }

    public TensorInfo info(String name) {
        TensorInfo t = header.tensors().get(name);
        if (t == null) throw new IllegalArgumentException(fileName + ": no tensor '" + name + "' (file has " + header.tensors().size() + " tensors)");
        return t;
    }

    /** A read-only view of the tensor in the mapped file. */
    public Tensor tensor(String name) {
        TensorInfo t = info(name);
        if (!arena.scope().isAlive()) throw new IllegalStateException(fileName + ": closed; cannot read tensor '" + name + "'");
        return Tensor.wrap(t.dtype(), data, t.begin(), t.shape());
    }

    /** The header's {@code __metadata__} strings (often {"format": "pt"}); empty when absent. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Size of the data section after the header, in bytes. */
    public long dataSize() {
        return data.byteSize();
    }

    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    @Override
    public String toString() {
        return "SafeTensors(" + path + ", " + header.tensors().size() + " tensors)";
    }
}
