package dev.causalmm.causal;

/**
 * Settings of {@link CmIR} (spec §4.6: every value is a placeholder — the paper's code and numbers
 * are unavailable — so everything is configurable).
 *
 * @param environments     K virtual environments
 * @param alpha1           noise intensity of environment 1 (environment e uses α1·e), relative to
 *                         each input dimension's training std unless {@code absoluteNoise}
 * @param offDiagonal      weight α_od of the off-diagonal entries in the orthogonality penalty
 * @param weightOnSquares  apply α_od to squared entries (α_od) rather than to entries (α_od²)
 * @param lambdaInv        λ1, invariance
 * @param lambdaDec        λ2, orthogonality (mutual-information proxy)
 * @param lambdaRec        λ3, reconstruction
 * @param decoderHidden    hidden width of the per-modality decoders
 * @param assigned         "assigned" environments (one random environment per sample, L1 between
 *                         per-environment batch means) instead of the default "paired" form
 * @param includeCleanEnv  add the clean input as environment 0
 * @param absoluteNoise    noise α·e·ε in input units instead of α·e·σ_dim·ε
 * @param seed             seed of the environment noise and assignments (re-derived per epoch)
 */
public record CmIRConfig(int environments, double alpha1, double offDiagonal, boolean weightOnSquares, double lambdaInv,
                         double lambdaDec, double lambdaRec, int decoderHidden, boolean assigned, boolean includeCleanEnv,
                         boolean absoluteNoise, long seed) {
    public CmIRConfig {
        if (environments < 1 || environments + (includeCleanEnv ? 1 : 0) < 2) {
            throw new IllegalArgumentException("cmir needs at least two environments to compare, got " + environments
                    + (includeCleanEnv ? " plus the clean one" : ""));
        }
        if (!finiteNonNegative(alpha1) || !finiteNonNegative(offDiagonal)) {
            throw new IllegalArgumentException("cmir alpha and off-diagonal weight must be finite numbers >= 0, got " + alpha1 + ", " + offDiagonal);
        }
        if (!finiteNonNegative(lambdaInv) || !finiteNonNegative(lambdaDec) || !finiteNonNegative(lambdaRec)) {
            throw new IllegalArgumentException("cmir lambdas must be finite numbers >= 0, got " + lambdaInv + ", " + lambdaDec + ", " + lambdaRec);
        }
        if (decoderHidden <= 0) throw new IllegalArgumentException("cmir decoder width must be > 0, got " + decoderHidden);
    }

    private static boolean finiteNonNegative(double v) {
        return v >= 0 && v < Double.POSITIVE_INFINITY;
    }

    public static CmIRConfig defaults() {
        return new CmIRConfig(3, 0.1, 0.1, false, 0.1, 0.1, 0.1, 64, false, false, false, 0);
    }

    public CmIRConfig withSeed(long s) {
        return new CmIRConfig(environments, alpha1, offDiagonal, weightOnSquares, lambdaInv, lambdaDec, lambdaRec, decoderHidden,
                assigned, includeCleanEnv, absoluteNoise, s);
    }

    public CmIRConfig withEnvironments(int k, double alpha, boolean assignedForm, boolean clean) {
        return new CmIRConfig(k, alpha, offDiagonal, weightOnSquares, lambdaInv, lambdaDec, lambdaRec, decoderHidden,
                assignedForm, clean, absoluteNoise, seed);
    }

    public CmIRConfig withLambdas(double inv, double dec, double rec) {
        return new CmIRConfig(environments, alpha1, offDiagonal, weightOnSquares, inv, dec, rec, decoderHidden,
                assigned, includeCleanEnv, absoluteNoise, seed);
    }

    public CmIRConfig withOrthogonality(double od, boolean onSquares) {
        return new CmIRConfig(environments, alpha1, od, onSquares, lambdaInv, lambdaDec, lambdaRec, decoderHidden,
                assigned, includeCleanEnv, absoluteNoise, seed);
    }
}
