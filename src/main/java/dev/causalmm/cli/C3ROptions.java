package dev.causalmm.cli;

import dev.causalmm.causal.C3RConfig;
import picocli.CommandLine.Option;

/** {@code --c3r.*}: C3R settings (spec §2.4/§2.6 defaults), used with {@code --regularizer c3r}. */
final class C3ROptions {
    private static final C3RConfig D = C3RConfig.defaults();

    @Option(names = "--c3r.lambda-v", description = "Weight of the instrument loss L_v (default: ${DEFAULT-VALUE}).")
    double lambdaV = D.lambdaV();

    @Option(names = "--c3r.lambda-fe", description = "Weight of L_fe (default: ${DEFAULT-VALUE}).")
    double lambdaFe = D.lambdaFe();

    @Option(names = "--c3r.alpha", description = "Distance penalty α of Eq. 6 (default: 1/(2·sqrt(d)); 0 = plain attention).")
    Double alpha;

    @Option(names = "--c3r.sign",
            description = "Counterfactual step: ascent (default, Def. 3.1) or literal (Eq. 7 as printed).")
    String sign = D.sign() > 0 ? "ascent" : "literal";

    @Option(names = "--c3r.eta", description = "Counterfactual step size: η_rel of the normalised step (default: "
            + C3RConfig.DEFAULT_ETA_REL + "), η of the plain step (default: 1).")
    Double eta;

    @Option(names = "--c3r.step",
            description = "Counterfactual step: normalized (default; η_rel·‖Ẑ‖·G/‖G‖, invariant to rescaling Ẑ and W) or plain"
                    + " (η·G, spec §2.4's form).")
    String step = D.normalizedStep() ? "normalized" : "plain";

    @Option(names = "--c3r.second-order", description = "Keep the graph through the counterfactual gradient.")
    boolean secondOrder = D.secondOrder();

    @Option(names = "--c3r.detach-instrument", description = "Stop L_v's gradient at the instrument.")
    boolean detachInstrument = D.detachInstrument();

    @Option(names = "--c3r.risk", description = "C3 risk relaxation: expected or ce (default: ${DEFAULT-VALUE}).")
    String risk = D.risk().cliName();

    @Option(names = "--c3r.necessity-warmup", description = "Epochs before the necessity risk is switched on (default: ${DEFAULT-VALUE}).")
    int necessityWarmup = D.necessityWarmupEpochs();

    C3RConfig config() {
        if (eta != null && !(eta > 0 && Double.isFinite(eta))) {
            throw new IllegalArgumentException("--c3r.eta must be a finite number > 0 (leave it out for the default), got " + eta);
        }
        if (alpha != null && !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("--c3r.alpha must be a finite number >= 0 (leave it out for the default 1/(2·sqrt(d))), got " + alpha);
        }
        int s = C3RConfig.parseSign(sign);
        C3RConfig.Risk r = C3RConfig.Risk.parse(risk);
        boolean normalizedStep = C3RConfig.parseNormalizedStep(step);
        return D.withLambdas(lambdaV, lambdaFe).withAlpha(alpha == null ? Double.NaN : alpha).withSign(s)
                .withStep(eta == null ? Double.NaN : eta, normalizedStep, secondOrder).withDetachInstrument(detachInstrument).withRisk(r)
                .withNecessityWarmup(necessityWarmup);
    }
}
