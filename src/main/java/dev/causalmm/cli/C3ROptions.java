package dev.causalmm.cli;

import dev.causalmm.causal.C3RConfig;
import picocli.CommandLine.Option;

/** {@code --c3r.*}: C3R settings (spec §2.4/§2.6 defaults), used with {@code --regularizer c3r}. */
final class C3ROptions {
    @Option(names = "--c3r.lambda-v", defaultValue = "0.75", description = "Weight of the instrument loss L_v (default: ${DEFAULT-VALUE}).")
    double lambdaV;

    @Option(names = "--c3r.lambda-fe", defaultValue = "0.4", description = "Weight of L_fe (default: ${DEFAULT-VALUE}).")
    double lambdaFe;

    @Option(names = "--c3r.alpha", description = "Distance penalty α of Eq. 6 (default: 1/(2·sqrt(d)); 0 = plain attention).")
    Double alpha;

    @Option(names = "--c3r.sign", defaultValue = "ascent",
            description = "Counterfactual step: ascent (default, Def. 3.1) or literal (Eq. 7 as printed).")
    String sign;

    @Option(names = "--c3r.eta", description = "Counterfactual step size: η_rel of the normalised step (default: "
            + C3RConfig.DEFAULT_ETA_REL + "), η of the plain step (default: 1).")
    Double eta;

    @Option(names = "--c3r.step", defaultValue = "normalized",
            description = "Counterfactual step: normalized (default; η_rel·‖Ẑ‖·G/‖G‖, invariant to rescaling Ẑ and W) or plain"
                    + " (η·G, spec §2.4's form).")
    String step;

    @Option(names = "--c3r.second-order", description = "Keep the graph through the counterfactual gradient.")
    boolean secondOrder;

    @Option(names = "--c3r.detach-instrument", description = "Stop L_v's gradient at the instrument.")
    boolean detachInstrument;

    @Option(names = "--c3r.risk", defaultValue = "expected", description = "C3 risk relaxation: expected (default) or ce.")
    String risk;

    @Option(names = "--c3r.necessity-warmup", defaultValue = "0", description = "Epochs before the necessity risk is switched on (default: ${DEFAULT-VALUE}).")
    int necessityWarmup;

    C3RConfig config() {
        if (eta != null && !(eta > 0 && Double.isFinite(eta))) {
            throw new IllegalArgumentException("--c3r.eta must be a finite number > 0 (leave it out for the default), got " + eta);
        }
        if (alpha != null && !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("--c3r.alpha must be a finite number >= 0 (leave it out for the default 1/(2·sqrt(d))), got " + alpha);
        }
        int s = switch (sign) {
            case "ascent", "+1", "1" -> 1;
            case "literal", "-1" -> -1;
            default -> throw new IllegalArgumentException("--c3r.sign must be ascent or literal, got '" + sign + "'");
        };
        C3RConfig.Risk r = switch (risk) {
            case "expected" -> C3RConfig.Risk.EXPECTED;
            case "ce" -> C3RConfig.Risk.CE;
            default -> throw new IllegalArgumentException("--c3r.risk must be expected or ce, got '" + risk + "'");
        };
        boolean normalizedStep = switch (step) {
            case "normalized" -> true;
            case "plain" -> false;
            default -> throw new IllegalArgumentException("--c3r.step must be normalized or plain, got '" + step + "'");
        };
        return C3RConfig.defaults().withLambdas(lambdaV, lambdaFe).withAlpha(alpha == null ? Double.NaN : alpha).withSign(s)
                .withStep(eta == null ? Double.NaN : eta, normalizedStep, secondOrder).withDetachInstrument(detachInstrument).withRisk(r)
                .withNecessityWarmup(necessityWarmup);
    }
}
