package dev.fastdraft.cli.bench;

import java.util.Arrays;

/** Order statistics of repeated measurements: on a shared host, medians and quartiles, never single runs. */
final class Stats {
    private Stats() {}

    static double median(double[] values) {
        return quantile(values, 0.5);
    }

    /** Linear interpolation between the sorted values. */
    static double quantile(double[] values, double q) {
        double[] s = values.clone();
        Arrays.sort(s);
        double at = q * (s.length - 1);
        int lo = (int) Math.floor(at), hi = (int) Math.ceil(at);
        return s[lo] + (s[hi] - s[lo]) * (at - lo);
    }
}
