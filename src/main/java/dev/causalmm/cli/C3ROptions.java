package dev.causalmm.cli;

import dev.causalmm.causal.C3RConfig;
import picocli.CommandLine.Option;

/** {@code --c3r.*}: C3R settings (spec §2.4/§2.6 defaults), used with {@code --regularizer c3r}. */
final class C3ROptions {
    private static final C3RConfig D = C3RConfig.defaults();

    @Option(names = "--c3r.lambda-v") double lambdaV = D.lambdaV();
    @Option(names = "--c3r.lambda-fe") double lambdaFe = D.lambdaFe();
    @Option(names = "--c3r.alpha") Double alpha;
    @Option(names = "--c3r.sign") String sign = D.sign() > 0 ? "ascent" : "literal";

    @Option(names = "--c3r.eta", description = "Counterfactual step size: η_rel of the normalised step (default: "
            + C3RConfig.DEFAULT_ETA_REL + "), η of the plain step (default: 1).")
    Double eta;

    @Option(names = "--c3r.step") String step = D.normalizedStep() ? "normalized" : "plain";
    @Option(names = "--c3r.second-order") boolean secondOrder = D.secondOrder();
    @Option(names = "--c3r.detach-instrument") boolean detachInstrument = D.detachInstrument();
    @Option(names = "--c3r.risk") String risk = D.risk().cliName();
    @Option(names = "--c3r.necessity-warmup") int necessityWarmup = D.necessityWarmupEpochs();

    C3RConfig config() {
        double e = C3RConfig.givenEta(eta);
        double a = C3RConfig.givenAlpha(alpha);
        int s = C3RConfig.parseSign(sign);
        C3RConfig.Risk r = C3RConfig.Risk.parse(risk);
        boolean normalizedStep = C3RConfig.parseNormalizedStep(step);
        return D.withLambdas(lambdaV, lambdaFe).withAlpha(a).withSign(s).withStep(e, normalizedStep, secondOrder)
                .withDetachInstrument(detachInstrument).withRisk(r).withNecessityWarmup(necessityWarmup);
    }
}
