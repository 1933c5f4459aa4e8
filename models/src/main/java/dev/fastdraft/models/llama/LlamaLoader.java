package dev.fastdraft.models.llama;

import dev.fastdraft.autograd.Var;
import dev.fastdraft.engine.DType;
import dev.fastdraft.engine.Tensor;
import dev.fastdraft.models.checkpoint.Checkpoint;
import dev.fastdraft.models.checkpoint.SafeTensorsWriter;
import dev.fastdraft.models.config.ModelConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds {@link LlamaModel}s from Hugging Face directories or from scratch, and saves them. */
public final class LlamaLoader {
    private LlamaLoader() {}

    /** A model with the config of {@code dir} and its weights mapped as stored (inference). */
    public static Loaded open(Path dir) throws IOException {
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        Checkpoint ckpt = Checkpoint.open(dir);
        try {
            Map<String, Var> w = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : WeightNames.expected(config, ckpt::has).entrySet()) {
                Tensor t = checked(ckpt, e.getKey(), e.getValue());
                // vectors (norms, biases) are tiny: F32 copies keep every kernel on its F32 path
                if (t.rank() == 1 && t.dtype() != DType.F32) t = Tensor.of(t.toFloatArray(), t.shape());
                w.put(e.getKey(), Var.constant(t));
            }
            return new Loaded(new LlamaModel(config, w), ckpt);
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    /**
     * A tied checkpoint may store the head as well. A copy equal to the embedding is one parameter, as
     * transformers 5 ties it; a different head is its own matrix (transformers 5 keeps it), and the config
     * then says so, so that an export loads the same in transformers 4, which would tie it away.
     */
    private static ModelConfig untieStoredCopy(ModelConfig config, Map<String, Var> w) {
        Var embed = w.get(WeightNames.EMBED), head = w.get(WeightNames.LM_HEAD);
        if (!config.tieWordEmbeddings() || embed == null || head == null) return config;
        if (java.util.Arrays.equals(embed.value().toFloatArray(), head.value().toFloatArray())) {
            w.remove(WeightNames.LM_HEAD);
            return config;
        }
        return config.toBuilder().tieWordEmbeddings(false).build();
    }

    /** A trainable model: F32 master copies of the weights of {@code dir} (any stored dtype). */
    public static LlamaModel trainable(Path dir) throws IOException {
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            Map<String, Var> w = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : WeightNames.expected(config, ckpt::has).entrySet()) {
                Tensor t = checked(ckpt, e.getKey(), e.getValue());
                w.put(e.getKey(), Var.param(Tensor.of(t.toFloatArray(), t.shape())));
            }
            return new LlamaModel(untieStoredCopy(config, w), w);
        }
    }

    /**
     * Random initialisation as Hugging Face's LlamaPreTrainedModel: linear and embedding weights from
     * N(0, 0.02), norm weights 1, biases 0. Deterministic for a seed.
     */
    public static LlamaModel initialize(ModelConfig config, long seed, double std) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Var> w = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : WeightNames.expected(config).entrySet()) {
            int[] shape = e.getValue();
            float[] v = new float[(int) Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b)];
            String name = e.getKey();
            if (name.endsWith("norm.weight")) Arrays.fill(v, 1f);
            else if (!name.endsWith(".bias")) for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * std);
            w.put(name, Var.param(Tensor.of(v, shape)));
        }
        return new LlamaModel(config, w);
    }

    /**
     * A model with random weights stored as {@code dtype} in off-heap memory, for benchmarks of real shapes
     * without a checkpoint on disk. Values are uniform in ±std·√3 from a fast per-tensor generator.
     */
    public static LlamaModel randomInference(ModelConfig config, DType dtype, long seed, double std) {
        Arena arena = Arena.ofAuto();
        Map<String, Var> w = new LinkedHashMap<>();
        long salt = seed;
        for (Map.Entry<String, int[]> e : WeightNames.expected(config).entrySet()) {
            int[] shape = e.getValue();
            boolean vector = shape.length == 1;
            Tensor t = Tensor.allocate(arena, vector ? DType.F32 : dtype, shape);
            if (e.getKey().endsWith("norm.weight")) t.fill(1f);
            else RandomFill.uniform(t, ++salt, (float) (std * Math.sqrt(3)));
            w.put(e.getKey(), Var.constant(t));
        }
        return new LlamaModel(config, w);
    }

    /** Writes config.json and model.safetensors (weights converted to {@code dtype}) into {@code dir}. */
    public static void save(LlamaModel model, Path dir, DType dtype) throws IOException {
        Files.createDirectories(dir);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                Tensor t = e.getValue();
                out.put(e.getKey(), t.dtype() == dtype ? t : t.to(dtype, arena));
            }
            SafeTensorsWriter.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
        }
        model.config().write(dir.resolve("config.json"));
    }

    private static Tensor checked(Checkpoint ckpt, String name, int[] shape) {
        if (!ckpt.has(name)) throw new IllegalArgumentException(ckpt.location() + ": tensor '" + name + "' is missing; the checkpoint does not match config.json");
        Tensor t = ckpt.tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(ckpt.location() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + " but config.json implies " + Arrays.toString(shape));
        }
        return t;
    }

    /** A model and the mapped checkpoint backing its weights; close to unmap. */
    public record Loaded(LlamaModel model, Checkpoint checkpoint) implements AutoCloseable {
        @Override
        public void close() {
            checkpoint.close();
        }
    }
}
