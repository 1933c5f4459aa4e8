package dev.fastdraft.models.checkpoint;

import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a Hugging Face model directory: either one {@code model.safetensors} or shards listed by
 * {@code model.safetensors.index.json} (its {@code weight_map} names the shard holding each tensor). All
 * shards are mapped at open and every weight_map entry is checked to exist in its shard, so a broken
 * checkpoint fails at open, not halfway through loading.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path location;
    private final Map<String, SafeTensors> owner;
    private final List<SafeTensors> files;
    private final Map<String, String> metadata;
    private boolean closed;

    private Checkpoint(Path location, Map<String, SafeTensors> owner, List<SafeTensors> files, Map<String, String> metadata) {
        this.location = location;
        this.owner = owner;
        this.files = files;
        this.metadata = metadata;
    }

    /**
     * Opens a model directory (single file or sharded), or directly a {@code .safetensors} file or an
     * {@code *.index.json}.
     */
    public static Checkpoint open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path single = path.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) return single(path, single);
            Path index = path.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) return sharded(path, index);
            String hint = Files.exists(path.resolve("pytorch_model.bin")) || Files.exists(path.resolve("pytorch_model.bin.index.json"))
                    ? " (only PyTorch .bin weights found: convert them to safetensors)" : "";
            throw new IllegalArgumentException(path + ": no " + SINGLE_FILE + " or " + INDEX_FILE + hint);
        }
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString());
        if (path.getFileName().toString().endsWith(".json")) return sharded(path.toAbsolutePath().getParent(), path);
        return single(path, path);
    }

    private static Checkpoint single(Path location, Path file) throws IOException {
        SafeTensors st = SafeTensors.open(file);
        Map<String, SafeTensors> owner = new TreeMap<>();
        for (String n : st.names()) owner.put(n, st);
        return new Checkpoint(location, Collections.unmodifiableMap(owner), List.of(st), st.metadata());
    }

    private static Checkpoint sharded(Path dir, Path index) throws IOException {
        String indexName = String.valueOf(index.getFileName());
        Object root;
        try {
            root = Json.parse(Files.readString(index));
        } catch (Json.JsonException e) {
            throw new IllegalArgumentException(index + ": " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top)) throw new IllegalArgumentException(index + ": expected a JSON object");
        if (!(top.get("weight_map") instanceof Map<?, ?> weightMap)) throw new IllegalArgumentException(index + ": has no object 'weight_map'");
        Map<String, String> metadata = new LinkedHashMap<>();
        if (top.get("metadata") instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) metadata.put((String) e.getKey(), String.valueOf(e.getValue()));
        }

        Path base = dir.toAbsolutePath().normalize();
        Map<String, SafeTensors> byShard = new LinkedHashMap<>();
        Map<String, SafeTensors> owner = new TreeMap<>();
        try {
            for (Map.Entry<?, ?> e : weightMap.entrySet()) {
                String tensor = (String) e.getKey();
                if (!(e.getValue() instanceof String shard)) {
                    throw new IllegalArgumentException(index + ": weight_map entry for '" + tensor + "' must be a file name, found " + Json.typeName(e.getValue()));
                }
                SafeTensors st = byShard.get(shard);
                if (st == null) {
                    Path shardPath = base.resolve(shard).normalize();
                    if (!shardPath.startsWith(base) || shardPath.equals(base)) {
                        throw new IllegalArgumentException(index + ": weight_map entry for '" + tensor + "' points outside " + dir + ": '" + shard + "'");
                    }
                    if (!Files.isRegularFile(shardPath)) {
                        throw new IllegalArgumentException(index + ": shard '" + shard + "' (holding '" + tensor + "') does not exist in " + dir);
                    }
                    st = SafeTensors.open(shardPath);
                    byShard.put(shard, st);
                }
                if (!st.has(tensor)) {
                    throw new IllegalArgumentException(indexName + ": weight_map puts tensor '" + tensor + "' in " + shard + ", which does not contain it");
                }
                owner.put(tensor, st);
            }
        } catch (Throwable t) {
            for (SafeTensors st : byShard.values()) st.close();
            throw t;
        }
        return new Checkpoint(dir, Collections.unmodifiableMap(owner), List.copyOf(byShard.values()),
                Collections.unmodifiableMap(metadata));
    }

    /** The directory (or file) this checkpoint was opened from. */
    public Path location() {
        return location;
    }

    /** Tensor names in sorted order. */
    public List<String> names() {
        return List.copyOf(owner.keySet());
    }

    public boolean has(String name) {
        return owner.containsKey(name);
    }

    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /** A read-only view into the mapped file holding {@code name}. */
    public Tensor tensor(String name) {
        return file(name).tensor(name);
    }

    /** Tensors whose dtype we do not load (across all shards). */
    public List<String> unsupported() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, SafeTensors> e : owner.entrySet()) if (!e.getValue().info(e.getKey()).supported()) out.add(e.getKey());
        return out;
    }

    /** A single file's {@code __metadata__}, or the index's {@code metadata} (e.g. total_size) when sharded. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The mapped files, one per shard. */
    public List<SafeTensors> files() {
        return files;
    }

    private synchronized SafeTensors file(String name) {
        if (closed) throw new IllegalStateException("checkpoint " + location + " is closed; cannot read tensor '" + name + "'");
        SafeTensors st = owner.get(name);
        if (st == null) throw new IllegalArgumentException("tensor '" + name + "' not found in checkpoint " + location + " (" + owner.size() + " tensors)");
        return st;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (SafeTensors st : files) st.close();
    }

    @Override
    public String toString() {
        return "Checkpoint(" + location + ", " + owner.size() + " tensors in " + files.size() + " file(s))";
    }
}
