package dev.fastdraft.pipeline.distill;

/**
 * One training example of distillation: the prompt (context only, never a target) and the target model's
 * completion, with the target's top-k distribution per completion token when synth stored it
 * ({@code topK} 0 otherwise). {@code line} is its line in the data file.
 */
public record DistillExample(int[] promptIds, int[] completionIds, int topK, int[] topIds, float[] topProbs, int line) {
    public int length() {
        return promptIds.length + completionIds.length;
    }

    /**
     * Fills row {@code row} of a [rows x seqLen] batch. Tokens = prompt + completion; inputs are tokens[s..],
     * targets the next tokens, masked with {@code ignore} where the next token is a prompt token or padding.
     * An example longer than seqLen + 1 loses the start of its prompt (the completion depends most on the
     * nearest context) but keeps at least the prompt's last token; a completion that still does not fit is cut
     * at the end. Padding (ids {@code pad}) follows the example, so causal attention never lets a real token
     * see it. With {@code topIds} non-null the row's soft targets are filled too ([row*seqLen*k ...]).
     */
    public void fillRow(int row, int seqLen, int pad, int ignore, int[] inputs, int[] targets, int k, int[] topIdsOut, float[] topProbsOut) {
        int p = promptIds.length, n = length();
        int start = n <= seqLen + 1 ? 0 : Math.max(0, Math.min(n - (seqLen + 1), p - 1));
        int end = Math.min(n, start + seqLen + 1);
        int o = row * seqLen;
        for (int i = 0; i < seqLen; i++) {
            int pos = start + i; // input position; its target is pos + 1
            boolean real = pos + 1 < end;
            inputs[o + i] = pos < end ? token(pos) : pad;
            targets[o + i] = real && pos + 1 >= p ? token(pos + 1) : ignore;
            if (topIdsOut != null) {
                int c = pos + 1 - p; // completion index of the target
                boolean has = real && c >= 0 && topK > 0;
                for (int j = 0; j < k; j++) {
                    int at = (o + i) * k + j;
                    topIdsOut[at] = has && j < topK ? topIds[c * topK + j] : 0;
                    topProbsOut[at] = has && j < topK ? topProbs[c * topK + j] : 0f;
                }
            }
        }
    }

    private int token(int pos) {
        return pos < promptIds.length ? promptIds[pos] : completionIds[pos - promptIds.length];
    }
}
