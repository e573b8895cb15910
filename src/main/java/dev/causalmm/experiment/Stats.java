package dev.causalmm.experiment;

import java.util.Arrays;

/** Mean, sample standard deviation, worst (min) and best (max) of per-seed values. */
public record Stats(double mean, double std, double worst, double best, int n) {
    public static Stats of(double... v) {
        if (v.length == 0) return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
        return new Stats(mean, std, Arrays.stream(v).min().orElseThrow(), Arrays.stream(v).max().orElseThrow(), v.length);
    }
}
