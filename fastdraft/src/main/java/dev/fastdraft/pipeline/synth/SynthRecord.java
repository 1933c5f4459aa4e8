package dev.fastdraft.pipeline.synth;

import dev.fastdraft.models.io.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of synth's JSON Lines output: a prompt, the target's completion of it, and how it was sampled.
 * With {@code topk} > 0, {@code topIds}/{@code topProbs} hold for each completion position i the target's
 * k most likely tokens and their probabilities under softmax(logits) at temperature 1 (flat, [i*k, (i+1)*k)):
 * the distribution the token completion_ids[i] was drawn from, before temperature and filters.
 *
 * <p>JSON fields: prompt_index, sample_index, temperature, top_p, seed, finish_reason ("stop": the target
 * ended with an end-of-sequence token, which is the last completion id; "length": max tokens reached),
 * prompt, completion (text without special tokens), prompt_ids, completion_ids, and with top-k
 * topk_ids and topk_probs (arrays of arrays, one per completion position).
 */
public record SynthRecord(int promptIndex, int sampleIndex, double temperature, double topP, long seed, String finishReason,
                          String prompt, String completion, int[] promptIds, int[] completionIds, int topk, int[] topIds, float[] topProbs) {

    public String toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prompt_index", promptIndex);
        o.put("sample_index", sampleIndex);
        o.put("temperature", temperature);
        o.put("top_p", topP);
        o.put("seed", seed);
        o.put("finish_reason", finishReason);
        o.put("prompt", prompt);
        o.put("completion", completion);
        o.put("prompt_ids", promptIds);
        o.put("completion_ids", completionIds);
        String head = Json.write(o);
        if (topk <= 0) return head;
        // probabilities as Float.toString (shortest exact float text), not widened to 17 double digits
        StringBuilder sb = new StringBuilder(head.length() + completionIds.length * topk * 16);
        sb.append(head, 0, head.length() - 1).append(",\"topk_ids\":[");
        for (int i = 0; i < completionIds.length; i++) {
            sb.append(i > 0 ? ",[" : "[");
            for (int j = 0; j < topk; j++) sb.append(j > 0 ? "," : "").append(topIds[i * topk + j]);
            sb.append(']');
        }
        sb.append("],\"topk_probs\":[");
        for (int i = 0; i < completionIds.length; i++) {
            sb.append(i > 0 ? ",[" : "[");
            for (int j = 0; j < topk; j++) sb.append(j > 0 ? "," : "").append(Float.toString(topProbs[i * topk + j]));
            sb.append(']');
        }
        return sb.append("]}").toString();
    }

    /** Parses one line; throws IllegalArgumentException saying which field is wrong. */
    public static SynthRecord parse(String line) {
        Map<String, Object> o = Json.parseObject(line);
        int[] completion = ints(o, "completion_ids", true);
        int k = 0;
        int[] topIds = null;
        float[] topProbs = null;
        if (o.get("topk_ids") != null || o.get("topk_probs") != null) {
            List<?> ids = list(o, "topk_ids"), probs = list(o, "topk_probs");
            if (ids.size() != completion.length || probs.size() != completion.length) {
                throw new IllegalArgumentException("topk_ids and topk_probs need one entry per completion id (" + completion.length + "), found "
                        + ids.size() + " and " + probs.size());
            }
            for (int i = 0; i < ids.size(); i++) {
                if (!(ids.get(i) instanceof List<?> a) || !(probs.get(i) instanceof List<?> b) || a.size() != b.size() || a.isEmpty()) {
                    throw new IllegalArgumentException("topk entry " + i + " must be two arrays of the same non-zero length");
                }
                if (i == 0) {
                    k = a.size();
                    topIds = new int[completion.length * k];
                    topProbs = new float[completion.length * k];
                } else if (a.size() != k) {
                    throw new IllegalArgumentException("topk entry " + i + " has " + a.size() + " ids, entry 0 has " + k);
                }
                for (int j = 0; j < k; j++) {
                    topIds[i * k + j] = intValue(a.get(j), "topk_ids");
                    if (!(b.get(j) instanceof Number p) || !(p.doubleValue() >= 0) || p.doubleValue() > 1 + 1e-5) {
                        throw new IllegalArgumentException("topk_probs[" + i + "][" + j + "] is not a probability: " + b.get(j));
                    }
                    topProbs[i * k + j] = p.floatValue();
                }
            }
        }
        return new SynthRecord(intField(o, "prompt_index", -1), intField(o, "sample_index", -1), number(o, "temperature", Double.NaN),
                number(o, "top_p", Double.NaN), o.get("seed") instanceof Number n ? n.longValue() : 0, o.get("finish_reason") instanceof String s ? s : null,
                o.get("prompt") instanceof String s ? s : null, o.get("completion") instanceof String s ? s : null,
                ints(o, "prompt_ids", true), completion, k, topIds, topProbs);
    }

    private static List<?> list(Map<String, Object> o, String field) {
        if (!(o.get(field) instanceof List<?> l)) throw new IllegalArgumentException("field '" + field + "' must be an array");
        return l;
    }

    private static int[] ints(Map<String, Object> o, String field, boolean required) {
        Object v = o.get(field);
        if (v == null && !required) return null;
        if (!(v instanceof List<?> l)) throw new IllegalArgumentException("field '" + field + "' must be an array of token ids");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = intValue(l.get(i), field);
        return out;
    }

    private static int intValue(Object v, String field) {
        if (!(v instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("field '" + field + "' holds " + Json.write(v) + ", not a token id");
        return (int) (long) n;
    }

    private static int intField(Map<String, Object> o, String field, int fallback) {
        Object v = o.get(field);
        if (v == null) return fallback;
        if (!(v instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("field '" + field + "' must be a non-negative integer");
        return (int) (long) n;
    }

    private static double number(Map<String, Object> o, String field, double fallback) {
        return o.get(field) instanceof Number n ? n.doubleValue() : fallback;
    }
}
