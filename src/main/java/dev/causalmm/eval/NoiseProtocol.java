package dev.causalmm.eval;

import java.util.Arrays;

/**
 * The noise-robustness protocol of spec §6.1: at test time each selected modality of each sample
 * is corrupted independently with probability {@code pSample} (0.5), according to its kind:
 * <ul>
 *   <li>feature vectors: zero-mean Gaussian noise of standard deviation
 *       {@code eps · sigmaPerEps · std_d} (std_d: the modality's per-dimension standard deviation
 *       over the evaluated set, so ε is unit-free);</li>
 *   <li>images (0–255 pixels): one Gaussian noise plane of standard deviation
 *       {@code eps · pixelSigmaPerEps} (10 for text–image tasks, 1 for RGB-D) added to every
 *       colour channel, then rounded and clipped to [0, 255]: pixels are stored as uint8, so a
 *       noisy image is an 8-bit image again, as in the reference;</li>
 *   <li>texts: each word replaced by the blank word with probability {@code min(1, eps · wordBlankPerEps)}
 *       (0.1: ε = 5 blanks half of the words, ε = 10 all of them); padding is left alone.</li>
 * </ul>
 * Fresh noise for every sample, all decisions and draws derived from {@code seed}, the sample index
 * and the modality, so a corruption is the same whatever the loader's thread timing.
 *
 * <p>{@code qmfCompat} reproduces the reference code's image quirks: every corrupted image gets the
 * same noise field (the reference re-seeds NumPy with 0 inside the transform; ours is drawn from
 * seed 0 of our generator, so its values differ from NumPy's), and values below 0 wrap around as in
 * the reference's uint8 cast ({@code −3.7 → 253}) instead of being clipped; corrupted pixels are
 * truncated toward zero (the reference's cast) rather than rounded.
 *
 * @param modalities indices of the modalities to corrupt (empty = all)
 */
public record NoiseProtocol(double eps, double pSample, double sigmaPerEps, double pixelSigmaPerEps, double wordBlankPerEps,
                            boolean qmfCompat, int[] modalities, long seed) {
    public NoiseProtocol {
        if (!(eps >= 0 && eps < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("noise level must be a finite number >= 0, got " + eps);
        if (!(pSample >= 0 && pSample <= 1)) throw new IllegalArgumentException("corruption probability must be in [0, 1], got " + pSample);
        if (!(sigmaPerEps >= 0 && pixelSigmaPerEps >= 0 && wordBlankPerEps >= 0)
                || !Double.isFinite(sigmaPerEps + pixelSigmaPerEps + wordBlankPerEps)) {
            throw new IllegalArgumentException("noise scales must be >= 0: feature " + sigmaPerEps + ", pixel " + pixelSigmaPerEps
                    + ", word blank " + wordBlankPerEps);
        }
        modalities = modalities == null ? new int[0] : modalities.clone();
    }

    /** ε with the text–image defaults: half of the samples per modality, σ = 0.1·ε feature std, 10·ε pixels, 0.1·ε words. */
    public static NoiseProtocol of(double eps, long seed) {
        return new NoiseProtocol(eps, 0.5, 0.1, 10, 0.1, false, new int[0], seed);
    }

    /** The RGB-D variant: pixel noise of σ = ε (no ×10 factor). */
    public static NoiseProtocol rgbd(double eps, long seed) {
        return new NoiseProtocol(eps, 0.5, 0.1, 1, 0.1, false, new int[0], seed);
    }

    public NoiseProtocol onModalities(int... m) {
        return new NoiseProtocol(eps, pSample, sigmaPerEps, pixelSigmaPerEps, wordBlankPerEps, qmfCompat, m, seed);
    }

    public NoiseProtocol withQmfCompat(boolean on) {
        return new NoiseProtocol(eps, pSample, sigmaPerEps, pixelSigmaPerEps, wordBlankPerEps, on, modalities, seed);
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

    /** Probability that a word of a corrupted text becomes the blank word. */
    public double wordBlankProbability() {
        return Math.min(1.0, eps * wordBlankPerEps);
    }

    /** Standard deviation of the pixel noise, in 0–255 units. */
    public double pixelSigma() {
        return eps * pixelSigmaPerEps;
    }
}
