package dev.causalmm.causal;

/**
 * Settings of {@link IMML} (spec §3.5). γ1 and γ2 start where spec §3.4 recommends for our
 * mean-reduced losses (the paper's grids assume sums); sweep them per dataset.
 *
 * @param gamma1      weight of the contrastive discriminative-knowledge loss L_mdke
 * @param gamma2      weight of the β-front-door mixing loss L_β
 * @param tau         NT-Xent temperature
 * @param neighbours  N: unpaired partners i+1..i+N of every anchor i
 * @param betaA       α of the Beta(α, β) mixing weight
 * @param betaB       β of the Beta(α, β) mixing weight
 * @param projHidden  hidden width of the projection heads
 * @param projDim     output width D of the projection heads
 * @param predominant index of the predominant modality, or −1 to choose it by unimodal
 *                    validation accuracy (nearest-centroid probe) before training
 * @param seed        seed of the Beta draws (re-derived per epoch, so resumed runs match)
 */
public record IMMLConfig(double gamma1, double gamma2, double tau, int neighbours, double betaA, double betaB,
                         int projHidden, int projDim, int predominant, long seed) {
    public IMMLConfig {
        if (!(gamma1 >= 0 && gamma1 < Double.POSITIVE_INFINITY && gamma2 >= 0 && gamma2 < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("imml gammas must be finite numbers >= 0, got " + gamma1 + ", " + gamma2);
        }
        if (!(tau > 0 && tau < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("imml tau must be a finite number > 0, got " + tau);
        if (projHidden <= 0 || projDim <= 0) throw new IllegalArgumentException("imml projection widths must be > 0");
        if (neighbours < 1) throw new IllegalArgumentException("imml neighbours must be >= 1, got " + neighbours);
        if (!(betaA > 0 && betaB > 0 && betaA < Double.POSITIVE_INFINITY && betaB < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("imml Beta parameters must be > 0");
        if (predominant < -1) throw new IllegalArgumentException("imml predominant modality must be -1 (auto) or an index");
    }

    /** {@code auto} (−1: chosen by the unimodal probe) or a modality index, as {@code --imml.predominant} takes it. */
    public static int parsePredominant(String value) {
        if (value.equals("auto")) return -1;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--imml.predominant must be auto or a modality index, got '" + value + "'");
        }
    }

    /** The inverse of {@link #parsePredominant}. */
    public static String predominantName(int index) {
        return index < 0 ? "auto" : Integer.toString(index);
    }

    public static IMMLConfig defaults() {
        return new IMMLConfig(1e-2, 1.0, 0.1, 2, 0.1, 0.1, 512, 128, -1, 0);
    }

    public IMMLConfig withGammas(double g1, double g2) {
        return new IMMLConfig(g1, g2, tau, neighbours, betaA, betaB, projHidden, projDim, predominant, seed);
    }

    public IMMLConfig withPredominant(int index) {
        return new IMMLConfig(gamma1, gamma2, tau, neighbours, betaA, betaB, projHidden, projDim, index, seed);
    }

    public IMMLConfig withTau(double t) {
        return new IMMLConfig(gamma1, gamma2, t, neighbours, betaA, betaB, projHidden, projDim, predominant, seed);
    }

    public IMMLConfig withNeighbours(int n) {
        return new IMMLConfig(gamma1, gamma2, tau, n, betaA, betaB, projHidden, projDim, predominant, seed);
    }

    public IMMLConfig withSeed(long s) {
        return new IMMLConfig(gamma1, gamma2, tau, neighbours, betaA, betaB, projHidden, projDim, predominant, s);
    }
}
