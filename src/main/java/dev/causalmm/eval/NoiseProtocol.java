package dev.causalmm.eval;

import java.util.Arrays;

/**
 * The noise-robustness protocol of spec §6.1 for feature-vector modalities: at test time each
 * selected modality of each sample is corrupted independently with probability
 * {@code pSample} (0.5), by zero-mean Gaussian noise of standard deviation
 * {@code eps · sigmaPerEps · std_d} (std_d: the modality's per-dimension standard deviation over
 * the evaluated set, so ε is unit-free). Fresh noise for every sample, all decisions and draws
 * derived from {@code seed}, the sample index and the modality, so a corruption is the same
 * whatever the loader's thread timing. Image (σ = 10·ε pixel units, shared across channels, QMF
 * quirks) and text (word blanking) corruptions come with those data types.
 *
 * @param modalities indices of the modalities to corrupt (empty = all)
 */
public record NoiseProtocol(double eps, double pSample, double sigmaPerEps, int[] modalities, long seed) {
    public NoiseProtocol {
        if (eps < 0) throw new IllegalArgumentException("noise level must be >= 0, got " + eps);
        if (pSample < 0 || pSample > 1) throw new IllegalArgumentException("corruption probability must be in [0, 1], got " + pSample);
        modalities = modalities == null ? new int[0] : modalities.clone();
    }

    /** ε with the defaults: half of the samples per modality, σ = 0.1·ε feature std. */
    public static NoiseProtocol of(double eps, long seed) {
        return new NoiseProtocol(eps, 0.5, 0.1, new int[0], seed);
    }

    public NoiseProtocol onModalities(int... m) {
        return new NoiseProtocol(eps, pSample, sigmaPerEps, m, seed);
    }

    public boolean appliesTo(int modality) {
        return modalities.length == 0 || Arrays.stream(modalities).anyMatch(m -> m == modality);
    }

    /** A well-mixed 64-bit value for (seed, sample, modality, salt). */
    long mix(int sample, int modality, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + sample * 0xBF58476D1CE4E5B9L + modality * 0x94D049BB133111EBL + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Whether modality {@code m} of sample {@code i} is corrupted. */
    public boolean corrupts(int i, int m) {
        if (eps == 0 || !appliesTo(m)) return false;
        return (mix(i, m, 1) >>> 11) * 0x1.0p-53 < pSample;
    }
}
