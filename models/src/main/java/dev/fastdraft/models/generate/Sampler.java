package dev.fastdraft.models.generate;

import dev.fastdraft.kernels.WorkerPool;
import dev.fastdraft.kernels.ops.Softmax;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns logits into a probability distribution (after temperature and filters) and draws from it.
 * Holds its own seeded generator, so runs repeat exactly; not thread-safe (one per sequence).
 */
public final class Sampler {
    private final SamplingConfig config;
    private final SplittableRandom random;

    public Sampler(SamplingConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    public SamplingConfig config() {
        return config;
    }

    /** Picks the next token from {@code logits[off .. off+vocab)}. */
    public int next(float[] logits, int off, int vocab) {
        if (config.isGreedy()) return argmax(logits, off, vocab);
        return draw(probabilities(logits, off, vocab));
    }

    /** Draws an index from a normalised distribution. */
    public int draw(float[] probs) {
        double u = random.nextDouble();
        double acc = 0;
        int last = -1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] <= 0) continue;
            acc += probs[i];
            last = i;
            if (u < acc) return i;
        }
        return last; // rounding left u above the total: the last token with mass
    }

    public double uniform() {
        return random.nextDouble();
    }

    /** The distribution the sampler draws from: softmax(logits / T), filtered and renormalised. */
    public float[] probabilities(float[] logits, int off, int vocab) {
        double t = config.temperature();
        float[] p = new float[vocab];
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            p[i] = (float) (logits[off + i] / (t == 0 ? 1 : t));
            max = Math.max(max, p[i]);
        }
        if (config.topK() > 0 && config.topK() < vocab) {
            float kth = kthLargest(p, config.topK());
            for (int i = 0; i < vocab; i++) if (p[i] < kth) p[i] = Float.NEGATIVE_INFINITY;
        }
        softmaxInPlace(p, max);
        if (config.topP() < 1) topP(p, config.topP());
        if (config.minP() > 0) {
            float pmax = 0;
            for (float v : p) pmax = Math.max(pmax, v);
            float cut = (float) (config.minP() * pmax);
            double sum = 0;
            for (int i = 0; i < vocab; i++) {
                if (p[i] < cut) p[i] = 0;
                sum += p[i];
            }
            for (int i = 0; i < vocab; i++) p[i] /= (float) sum;
        }
        return p;
    }

    /**
     * softmax(logits)[token] at temperature 1, through the vectorized softmax kernel ({@code scratch}: at least
     * {@code vocab} floats, overwritten): the confidence of a greedy draft in the token it picked.
     */
    public static float softmaxAt(float[] logits, int off, int vocab, int token, float[] scratch) {
        Softmax.forward(WorkerPool.common(), 1, vocab, MemorySegment.ofArray(logits), off, vocab, MemorySegment.ofArray(scratch), 0, vocab);
        return scratch[token];
    }

    public static int argmax(float[] logits, int off, int vocab) {
        int best = 0;
        float bv = logits[off];
        for (int i = 1; i < vocab; i++) {
            if (logits[off + i] > bv) {
                bv = logits[off + i];
                best = i;
            }
        }
        return best;
    }

    private static void softmaxInPlace(float[] p, float max) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            float e = p[i] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(p[i] - max);
            p[i] = e;
            sum += e;
        }
        for (int i = 0; i < p.length; i++) p[i] = (float) (p[i] / sum);
    }

    /** Keeps the smallest set of most likely tokens whose mass reaches {@code topP} (at least one), as HF. */
    private static void topP(float[] p, double topP) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
        double cum = 0, kept = 0;
        boolean cutting = false;
        for (int r = 0; r < order.length; r++) {
            int i = order[r];
            if (cutting) {
                p[i] = 0;
                continue;
            }
            cum += p[i];
            kept += p[i];
            if (cum >= topP) cutting = true;
        }
        for (int i = 0; i < p.length; i++) p[i] = (float) (p[i] / kept);
    }

    private static float kthLargest(float[] v, int k) {
        float[] c = v.clone();
        Arrays.sort(c);
        return c[c.length - k];
    }
}
