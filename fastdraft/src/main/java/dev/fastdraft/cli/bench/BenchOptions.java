package dev.fastdraft.cli.bench;

import dev.fastdraft.cli.Args;
import dev.fastdraft.cli.UserError;
import dev.fastdraft.models.config.Architecture;
import dev.fastdraft.models.config.ModelConfig;
import dev.fastdraft.pipeline.draft.ModelSize;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Checks of the bench options, made before anything is allocated: a bad size is a one-line error naming the
 * option, not an OutOfMemoryError or an exception from deep inside a kernel minutes later.
 */
final class BenchOptions {
    /** The most elements a Java array holds. */
    static final long MAX_ARRAY = ModelSize.MAX_ARRAY;

    private BenchOptions() {}

    /** An integer option in [min, max]. */
    static int range(Args a, String bench, String name, int fallback, int min, int max) {
        int v = a.integer(name, fallback);
        if (v < min || v > max) throw new UserError("bench " + bench + ": " + name + " must be in " + min + ".." + max + ", got " + v);
        return v;
    }

    /**
     * A Llama shape from --vocab, --hidden, --intermediate, --layers, --heads and --kv-heads (tied embeddings),
     * checked option by option so that errors name the option rather than config.json's fields.
     */
    static ModelConfig llama(Args a, String bench, int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads, int positions) {
        int v = range(a, bench, "--vocab", vocab, 1, 1 << 20);
        int h = range(a, bench, "--hidden", hidden, 2, 1 << 16);
        int i = range(a, bench, "--intermediate", intermediate, 1, 1 << 18);
        int l = range(a, bench, "--layers", layers, 1, 1024);
        int n = range(a, bench, "--heads", heads, 1, h);
        int kv = range(a, bench, "--kv-heads", kvHeads, 1, n);
        if (h % n != 0 || (h / n) % 2 != 0) {
            throw new UserError("bench " + bench + ": --hidden " + h + " must be --heads " + n + " times an even head size (rotary embeddings rotate pairs)");
        }
        if (n % kv != 0) throw new UserError("bench " + bench + ": --heads " + n + " must be a multiple of --kv-heads " + kv);
        return ModelConfig.builder(Architecture.LLAMA).vocabSize(v).hiddenSize(h).intermediateSize(i).numLayers(l).numHeads(n)
                .numKvHeads(kv).maxPositionEmbeddings(positions).tieWordEmbeddings(true).eosTokenIds(0).build();
    }

    /** Refuses a run whose buffers outside the Java heap would not fit in the machine's memory. */
    static void fitsInMemory(String bench, String what, long bytes) {
        long total = physicalMemory();
        if (total > 0 && bytes > total) {
            throw new UserError(String.format(Locale.ROOT, "bench %s: %s need %.1f GB, more than this machine's %.1f GB of memory; choose smaller sizes",
                    bench, what, bytes / 1e9, total / 1e9));
        }
    }

    /** Refuses a run whose Java arrays would not fit in the heap this JVM may grow to. */
    static void fitsInHeap(String bench, String what, long bytes) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) {
            throw new UserError(String.format(Locale.ROOT, "bench %s: %s need %.1f GB of Java heap, more than the %.1f GB this JVM may use;"
                    + " choose smaller sizes or give it more (java -Xmx<size> -jar fastdraft-engine.jar ...)", bench, what, bytes / 1e9, max / 1e9));
        }
    }

    /** Physical memory in bytes, or 0 where the JVM cannot tell. */
    static long physicalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
    }
}
