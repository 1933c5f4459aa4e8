package dev.fastdraft.bench;

import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.checkpoint.SafeTensors;
import dev.fastdraft.models.checkpoint.SafeTensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening a safetensors checkpoint: mapping plus header validation ({@code open}) against the peer that
 * copies the file into memory ({@code copyWholeFile}), on a generated BF16 file shaped like a small Llama
 * (a few hundred tensors). The file is written once per trial into the system temp directory and deleted after.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SafeTensorsOpenBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SafeTensorsOpenBench {
    /** Size of the generated file in MiB. */
    @Param({"1024"})
    public int sizeMiB;

    private Path file;

    @Setup(Level.Trial)
    public void writeFile() throws IOException {
        file = Files.createTempFile("fastdraft-bench-", ".safetensors");
        int layers = 22;
        int perLayer = 9; // q, k, v, o, gate, up, down, two norms: the tensor count of a Llama layer
        long bytesPerLayerTensor = (long) sizeMiB * 1024 * 1024 / (layers * perLayer);
        int cols = 1024;
        int rows = (int) Math.max(1, bytesPerLayerTensor / 2 / cols);
        try (Arena arena = Arena.ofShared()) {
            Tensor shared = Tensor.allocate(arena, DType.BF16, rows, cols); // same data under every name: fine for timing
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            String[] names = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm"};
            for (int l = 0; l < layers; l++) {
                for (String n : names) tensors.put("model.layers." + l + "." + n + ".weight", shared);
            }
            SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));
        }
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public int open() throws IOException {
        try (SafeTensors st = SafeTensors.open(file)) {
            return st.names().size();
        }
    }

    /** Open plus a view of every tensor (what a model loader does before any compute). */
    @Benchmark
    public long openAndViewAll() throws IOException {
        long n = 0;
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : st.names()) n += st.tensor(name).numel();
        }
        return n;
    }

    /** The peer: reading every byte once, as a loader that copies weights pays at least (page cache warm, as for open). */
    @Benchmark
    public long copyWholeFile() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 24);
            long total = 0;
            int n;
            while ((n = ch.read(buf)) > 0) {
                total += n;
                buf.clear();
            }
            return total;
        }
    }
}
