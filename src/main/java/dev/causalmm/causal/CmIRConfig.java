package dev.causalmm.causal;

/**
 * Settings of {@link CmIR} (spec §4.6: every value is a placeholder — the paper's code and numbers
 * are unavailable — so everything is configurable).
 *
 * <p>Environment noise (deviation from spec §4.6's α1 = 0.1, see {@link CmIR}): environment
 * e = 1..K uses the level {@code α1 + (αmax − α1)·(e−1)/(K−1)} training-std units, spread linearly
 * from {@code alpha1} to {@code alphaMax} ({@code alphaMax = 0}: the spec's {@code α1·e}). The
 * default, 1 to 3 std units with K = 3 (levels 1, 2, 3), covers the noise that the shifted-noise
 * experiment evaluates (3 std units) and the feature noise of the §6.1 protocol (ε = 10 is 1 std
 * unit); the spec's 0.1–0.3 never showed the model noise of the size it is tested on.
 *
 * @param environments     K virtual environments
 * @param alpha1           noise level of environment 1, relative to each input dimension's
 *                         training std unless {@code absoluteNoise}
 * @param alphaMax         noise level of environment K (levels spread linearly from alpha1), or 0
 *                         for the spec's form {@code α1·e}
 * @param wordBlankPerLevel texts: each word is blanked with probability {@code min(1, level·this)}
 *                         (0.25: levels 1, 2, 3 blank 25 %, 50 %, 75 % of the words)
 * @param offDiagonal      weight α_od of the off-diagonal entries in the orthogonality penalty
 * @param weightOnSquares  apply α_od to squared entries (α_od) rather than to entries (α_od²)
 * @param lambdaInv        λ1, invariance
 * @param lambdaDec        λ2, orthogonality (mutual-information proxy)
 * @param lambdaRec        λ3, reconstruction
 * @param decoderHidden    hidden width of the per-modality decoders
 * @param assigned         "assigned" environments (one random environment per sample, L1 between
 *                         per-environment batch means) instead of the default "paired" form
 * @param includeCleanEnv  add the clean input as environment 0
 * @param absoluteNoise    noise level·ε in input units instead of level·σ_dim·ε
 * @param seed             kept so configs stay readable; the environment noise and assignments are
 *                         drawn on the device from LibTorch's generator, which the trainer seeds from
 *                         the training seed and the epoch (so runs repeat, and resume exactly)
 */
public record CmIRConfig(int environments, double alpha1, double alphaMax, double wordBlankPerLevel, double offDiagonal,
                         boolean weightOnSquares, double lambdaInv, double lambdaDec, double lambdaRec, int decoderHidden,
                         boolean assigned, boolean includeCleanEnv, boolean absoluteNoise, long seed) {
    public CmIRConfig {
        if (environments < 1 || environments + (includeCleanEnv ? 1 : 0) < 2) {
            throw new IllegalArgumentException("cmir needs at least two environments to compare, got " + environments
                    + (includeCleanEnv ? " plus the clean one" : ""));
        }
        for (double v : new double[] {alpha1, alphaMax, wordBlankPerLevel, offDiagonal, lambdaInv, lambdaDec, lambdaRec}) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("cmir settings must be finite numbers, got " + v);
        }
        if (alpha1 < 0 || offDiagonal < 0) {
            throw new IllegalArgumentException("cmir alpha and off-diagonal weight must be >= 0, got " + alpha1 + ", " + offDiagonal);
        }
        if (alphaMax != 0 && alphaMax < alpha1) {
            throw new IllegalArgumentException("cmir alphaMax (" + alphaMax + ") must be >= alpha1 (" + alpha1 + "), or 0 for alpha1·e");
        }
        if (wordBlankPerLevel < 0) throw new IllegalArgumentException("cmir wordBlankPerLevel must be >= 0, got " + wordBlankPerLevel);
        if (lambdaInv < 0 || lambdaDec < 0 || lambdaRec < 0) {
            throw new IllegalArgumentException("cmir lambdas must be >= 0, got " + lambdaInv + ", " + lambdaDec + ", " + lambdaRec);
        }
        if (decoderHidden <= 0) throw new IllegalArgumentException("cmir decoder width must be > 0, got " + decoderHidden);
    }

    /** {@code paired} (false) or {@code assigned} (true) environments, as the command line writes them. */
    public static boolean parseAssigned(String pairing) {
        return switch (pairing) {
            case "paired" -> false;
            case "assigned" -> true;
            default -> throw new IllegalArgumentException("--cmir.pairing must be paired or assigned, got '" + pairing + "'");
        };
    }

    public static CmIRConfig defaults() {
        return new CmIRConfig(3, 1.0, 3.0, 0.25, 0.1, false, 0.1, 0.1, 0.1, 64, false, false, false, 0);
    }

    /** Noise level of environment e (1..K), in training-std units (0 for the clean environment 0). */
    public double level(int e) {
        if (e <= 0) return 0;
        if (alphaMax == 0) return alpha1 * e;
        return environments == 1 ? alpha1 : alpha1 + (alphaMax - alpha1) * (e - 1) / (environments - 1);
    }

    public CmIRConfig withSeed(long s) {
        return new CmIRConfig(environments, alpha1, alphaMax, wordBlankPerLevel, offDiagonal, weightOnSquares, lambdaInv, lambdaDec,
                lambdaRec, decoderHidden, assigned, includeCleanEnv, absoluteNoise, s);
    }

    /** K environments with levels α1·e (the spec's form), paired or assigned, with or without the clean one. */
    public CmIRConfig withEnvironments(int k, double alpha, boolean assignedForm, boolean clean) {
        return new CmIRConfig(k, alpha, 0, wordBlankPerLevel, offDiagonal, weightOnSquares, lambdaInv, lambdaDec, lambdaRec,
                decoderHidden, assignedForm, clean, absoluteNoise, seed);
    }

    /** Levels spread linearly from {@code from} (environment 1) to {@code to} (environment K). */
    public CmIRConfig withNoiseRange(double from, double to) {
        return new CmIRConfig(environments, from, to, wordBlankPerLevel, offDiagonal, weightOnSquares, lambdaInv, lambdaDec, lambdaRec,
                decoderHidden, assigned, includeCleanEnv, absoluteNoise, seed);
    }

    public CmIRConfig withWordBlankPerLevel(double w) {
        return new CmIRConfig(environments, alpha1, alphaMax, w, offDiagonal, weightOnSquares, lambdaInv, lambdaDec, lambdaRec,
                decoderHidden, assigned, includeCleanEnv, absoluteNoise, seed);
    }

    public CmIRConfig withLambdas(double inv, double dec, double rec) {
        return new CmIRConfig(environments, alpha1, alphaMax, wordBlankPerLevel, offDiagonal, weightOnSquares, inv, dec, rec,
                decoderHidden, assigned, includeCleanEnv, absoluteNoise, seed);
    }

    public CmIRConfig withOrthogonality(double od, boolean onSquares) {
        return new CmIRConfig(environments, alpha1, alphaMax, wordBlankPerLevel, od, onSquares, lambdaInv, lambdaDec, lambdaRec,
                decoderHidden, assigned, includeCleanEnv, absoluteNoise, seed);
    }
}
