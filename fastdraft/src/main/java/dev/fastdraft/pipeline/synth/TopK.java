package dev.fastdraft.pipeline.synth;

/**
 * The k most likely tokens of one logits row under the model's own distribution softmax(logits) (temperature
 * 1, no filters: what a draft should learn, whatever the sampling settings were).
 */
public final class TopK {
    private TopK() {}

    /** Writes ids (most likely first) and their probabilities into {@code ids}/{@code probs} at {@code at}. */
    public static void of(float[] logits, int vocab, int k, int[] ids, float[] probs, int at) {
        if (k < 1 || k > vocab) throw new IllegalArgumentException("top-k: k " + k + " outside [1, " + vocab + "]");
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[i] - max);
        // insertion into a sorted list of k; most entries fail the first comparison
        int[] best = new int[k];
        float[] val = new float[k];
        int filled = 0;
        for (int i = 0; i < vocab; i++) {
            float v = logits[i];
            if (filled == k && !(v > val[k - 1])) continue;
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && val[pos - 1] < v) {
                val[pos] = val[pos - 1];
                best[pos] = best[pos - 1];
                pos--;
            }
            val[pos] = v;
            best[pos] = i;
        }
        for (int j = 0; j < k; j++) {
            ids[at + j] = best[j];
            probs[at + j] = (float) (Math.exp(val[j] - max) / sum);
        }
    }
}
