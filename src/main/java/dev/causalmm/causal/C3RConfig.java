package dev.causalmm.causal;

import dev.causalmm.io.UserInputException;
import java.util.Locale;

/**
 * Settings of {@link C3R}, with the defaults of spec §2.4/§2.6.
 *
 * @param lambdaV          weight of the instrument loss L_v (paper: 0.75)
 * @param lambdaFe         weight of the counterfactual-distance loss L_fe (paper: 0.4)
 * @param alpha            distance-penalty weight α of Eq. 6; NaN means the default 1/(2√d), 0 gives
 *                         plain dot-product attention
 * @param sign             +1: counterfactual step ascends the loss (default, Def. 3.1); −1: the
 *                         literal Eq. 7 / released-code descent (ambiguity A1)
 * @param eta              step size η; NaN means the default for the step kind ({@link #DEFAULT_ETA_REL}
 *                         for the normalised step, 1 for the plain one, per-sample, not divided by B)
 * @param normalizedStep   the scale-invariant step {@code η_rel·‖Ẑ‖·G/‖G‖} (default) instead of the
 *                         spec's plain {@code η·G}; see {@link C3R} for why the default deviates
 * @param secondOrder      keep the graph through the counterfactual gradient (first order: detached)
 * @param detachInstrument stop L_v's gradient at the instrument
 * @param risk             relaxation of the indicator C3 risk
 * @param weightSufficiency weight of the sufficiency risk (paper: equal weights)
 * @param weightNecessity   weight of the necessity risk
 * @param necessityWarmupEpochs epochs with the necessity weight at 0
 * @param calibratorDim    width dz of the calibrator for models without a fused representation
 */
public record C3RConfig(double lambdaV, double lambdaFe, double alpha, int sign, double eta, boolean normalizedStep,
                        boolean secondOrder, boolean detachInstrument, Risk risk, double weightSufficiency,
                        double weightNecessity, int necessityWarmupEpochs, int calibratorDim) {

    /** How the indicator risk of Eq. 8 is made differentiable. */
    public enum Risk {
        /** {@code R_suff = mean(1 − p_y(Ẑ))}, {@code R_nec = mean(p_y(Z̄))}: the exact expectation of Eq. 8 under softmax sampling. */
        EXPECTED,
        /** {@code R_suff = CE(Ẑ)}, {@code R_nec = −log(1 − p_y(Z̄) + 1e−6)} (CaSN-style). */
        CE;

        /** {@code expected} or {@code ce}, as the command line and config files write it. */
        public static Risk parse(String name) {
            return switch (name) {
                case "expected" -> EXPECTED;
                case "ce" -> CE;
                default -> throw new IllegalArgumentException("--c3r.risk must be expected or ce, got '" + name + "'");
            };
        }

        /** The command-line name. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The counterfactual step's direction: {@code ascent} (+1, Def. 3.1) or {@code literal} (−1, Eq. 7 as printed). */
    public static int parseSign(String name) {
        return switch (name) {
            case "ascent", "+1", "1" -> 1;
            case "literal", "-1" -> -1;
            default -> throw new IllegalArgumentException("--c3r.sign must be ascent or literal, got '" + name + "'");
        };
    }

    /** The step kind: {@code normalized} (true) or {@code plain} (false). */
    public static boolean parseNormalizedStep(String name) {
        return switch (name) {
            case "normalized" -> true;
            case "plain" -> false;
            default -> throw new IllegalArgumentException("--c3r.step must be normalized or plain, got '" + name + "'");
        };
    }

    /**
     * {@code --c3r.eta} as the user gave it (null: left out) as the {@code eta} component: NaN, the
     * step kind's default, when left out; a NaN, infinite or non-positive value given is refused.
     */
    public static double givenEta(Double eta) {
        if (eta != null && !(eta > 0 && Double.isFinite(eta))) {
            throw new UserInputException("--c3r.eta must be a finite number > 0 (leave it out for the default), got " + eta);
        }
        return eta == null ? Double.NaN : eta;
    }

    /** {@code --c3r.alpha} as the user gave it (null: left out) as the {@code alpha} component, as {@link #givenEta} does. */
    public static double givenAlpha(Double alpha) {
        if (alpha != null && !Double.isFinite(alpha)) {
            throw new UserInputException("--c3r.alpha must be a finite number >= 0 (leave it out for the default 1/(2·sqrt(d))), got " + alpha);
        }
        return alpha == null ? Double.NaN : alpha;
    }

    /**
     * Default relative step of the normalised counterfactual: chosen by the η_rel sweep in
     * docs/results.md, "The C3R step size" (the smallest step at which C3R still drives the necessity indicator down at
     * unchanged accuracy; at η_rel = 1 the step is as large as Ẑ itself and flips are trivial).
     */
    public static final double DEFAULT_ETA_REL = 0.1;

    public C3RConfig {
        if (sign != 1 && sign != -1) throw new IllegalArgumentException("c3r sign must be +1 (ascent) or -1 (literal), got " + sign);
        if (!(lambdaV >= 0 && lambdaV < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("c3r lambda-v must be a finite number >= 0, got " + lambdaV);
        }
        if (!(lambdaFe >= 0 && lambdaFe < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("c3r lambda-fe must be a finite number >= 0, got " + lambdaFe);
        }
        if (!Double.isNaN(eta) && !(eta > 0 && eta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("c3r step eta must be a finite number > 0, got " + eta);
        }
        if (!Double.isNaN(alpha) && !(alpha >= 0 && alpha < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("c3r alpha must be a finite number >= 0, got " + alpha);
        }
        if (!(weightSufficiency >= 0 && weightSufficiency < Double.POSITIVE_INFINITY
                && weightNecessity >= 0 && weightNecessity < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("c3r risk weights must be finite numbers >= 0, got " + weightSufficiency + ", " + weightNecessity);
        }
        if (necessityWarmupEpochs < 0) throw new IllegalArgumentException("c3r necessity warm-up must be >= 0 epochs, got " + necessityWarmupEpochs);
        if (risk == null) throw new IllegalArgumentException("c3r risk must be expected or ce");
        if (calibratorDim <= 0) throw new IllegalArgumentException("c3r calibrator width must be > 0");
    }

    public static C3RConfig defaults() {
        return new C3RConfig(0.75, 0.4, Double.NaN, 1, Double.NaN, true, false, false, Risk.EXPECTED, 1, 1, 0, 64);
    }

    /** The step size in use: {@code eta}, or the step kind's default when it is NaN. */
    public double effectiveEta() {
        if (!Double.isNaN(eta)) return eta;
        return normalizedStep ? DEFAULT_ETA_REL : 1.0;
    }

    /** α for feature width {@code d}. */
    public double alphaFor(int d) {
        return Double.isNaN(alpha) ? 1.0 / (2 * Math.sqrt(d)) : alpha;
    }

    public C3RConfig withSign(int s) {
        return new C3RConfig(lambdaV, lambdaFe, alpha, s, eta, normalizedStep, secondOrder, detachInstrument, risk,
                weightSufficiency, weightNecessity, necessityWarmupEpochs, calibratorDim);
    }

    public C3RConfig withAlpha(double a) {
        return new C3RConfig(lambdaV, lambdaFe, a, sign, eta, normalizedStep, secondOrder, detachInstrument, risk,
                weightSufficiency, weightNecessity, necessityWarmupEpochs, calibratorDim);
    }

    public C3RConfig withLambdas(double v, double fe) {
        return new C3RConfig(v, fe, alpha, sign, eta, normalizedStep, secondOrder, detachInstrument, risk,
                weightSufficiency, weightNecessity, necessityWarmupEpochs, calibratorDim);
    }

    public C3RConfig withStep(double step, boolean normalized, boolean second) {
        return new C3RConfig(lambdaV, lambdaFe, alpha, sign, step, normalized, second, detachInstrument, risk,
                weightSufficiency, weightNecessity, necessityWarmupEpochs, calibratorDim);
    }

    public C3RConfig withRisk(Risk r) {
        return new C3RConfig(lambdaV, lambdaFe, alpha, sign, eta, normalizedStep, secondOrder, detachInstrument, r,
                weightSufficiency, weightNecessity, necessityWarmupEpochs, calibratorDim);
    }

    public C3RConfig withDetachInstrument(boolean d) {
        return new C3RConfig(lambdaV, lambdaFe, alpha, sign, eta, normalizedStep, secondOrder, d, risk,
                weightSufficiency, weightNecessity, necessityWarmupEpochs, calibratorDim);
    }

    public C3RConfig withNecessityWarmup(int epochs) {
        return new C3RConfig(lambdaV, lambdaFe, alpha, sign, eta, normalizedStep, secondOrder, detachInstrument, risk,
                weightSufficiency, weightNecessity, epochs, calibratorDim);
    }
}
