package dev.causalmm.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * The stored layout of {@link ModalitySpec.Kind#SEQUENCE} samples: {@code T×(d+1)} floats, the last
 * channel of each step its mask (1 = real, 0 = padding). Packing, standardising and corrupting
 * sequences all go through here, so every user agrees on what a padded step is.
 */
public final class Sequences {
    private Sequences() {}

    /**
     * Packs {@code n} sequences of {@code steps × features} values (row-major) into the stored
     * layout. With {@code zeroStepsArePadding}, a step whose values are all exactly 0 is taken as
     * padding (how zero-padded releases such as MFN's mark absent words); the real steps move to
     * the front in their order and the rest is masked padding, so a sequence's length is its count
     * of real steps wherever the file padded it.
     */
    public static float[] pack(double[] values, int n, int steps, int features, boolean zeroStepsArePadding) {
        long expect = (long) n * steps * features;
        if (values.length != expect) {
            throw new IllegalArgumentException(values.length + " values for " + n + " sequences of " + steps + "×" + features);
        }
        int w = features + 1;
        float[] out = new float[Math.multiplyExact(n, steps * w)];
        for (int i = 0; i < n; i++) {
            int kept = 0;
            for (int t = 0; t < steps; t++) {
                int from = (i * steps + t) * features;
                if (zeroStepsArePadding && allZero(values, from, features)) continue;
                int to = (i * steps + kept) * w;
                for (int j = 0; j < features; j++) out[to + j] = (float) values[from + j];
                out[to + features] = 1f;
                kept++;
            }
        }
        return out;
    }

    private static boolean allZero(double[] v, int from, int n) {
        for (int j = 0; j < n; j++) if (v[from + j] != 0) return false;
        return true;
    }

    /** Real steps of sample {@code i} of packed data. */
    public static int length(float[] packed, int i, int steps, int features) {
        int w = features + 1, len = 0;
        for (int t = 0; t < steps; t++) if (packed[(i * steps + t) * w + features] > 0.5f) len++;
        return len;
    }

    /**
     * Z-scores every feature in place with the mean and standard deviation of the real steps of
     * {@code fit} (a training split); padding stays 0. Returns {mean, std} per feature; a feature
     * constant on {@code fit} keeps std 1 (centred, not scaled).
     */
    public static double[][] standardize(float[] fit, int steps, int features, float[]... apply) {
        int w = features + 1;
        double[] sum = new double[features], sq = new double[features];
        long count = 0;
        for (int at = 0; at < fit.length; at += w) {
            if (fit[at + features] < 0.5f) continue;
            count++;
            for (int j = 0; j < features; j++) { sum[j] += fit[at + j]; sq[j] += (double) fit[at + j] * fit[at + j]; }
        }
        double[] mean = new double[features], std = new double[features];
        for (int j = 0; j < features; j++) {
            mean[j] = count == 0 ? 0 : sum[j] / count;
            double var = count == 0 ? 0 : Math.max(0, sq[j] / count - mean[j] * mean[j]);
            std[j] = var > 1e-12 ? Math.sqrt(var) : 1;
        }
        for (float[] a : apply) {
            for (int at = 0; at < a.length; at += w) {
                if (a[at + features] < 0.5f) continue;
                for (int j = 0; j < features; j++) a[at + j] = (float) ((a[at + j] - mean[j]) / std[j]);
            }
        }
        return new double[][] {mean, std};
    }

    /**
     * Test-time Gaussian noise on one stored sequence: {@code scale × std[k]} on each value of the
     * real steps; the mask channel and padded steps stay as they are (noise never invents steps).
     */
    public static void addNoise(MemorySegment row, ModalitySpec spec, float[] std, double scale, SplittableRandom r) {
        int steps = spec.steps(), d = spec.stepFeatures(), w = d + 1;
        for (int t = 0; t < steps; t++) {
            if (row.getAtIndex(ValueLayout.JAVA_FLOAT, (long) t * w + d) < 0.5f) continue;
            for (int j = 0; j < d; j++) {
                long at = (long) t * w + j;
                row.setAtIndex(ValueLayout.JAVA_FLOAT, at, (float) (row.getAtIndex(ValueLayout.JAVA_FLOAT, at) + scale * std[(int) at] * Gaussian.draw(r)));
            }
        }
    }
}
