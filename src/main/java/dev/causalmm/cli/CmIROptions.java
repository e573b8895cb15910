package dev.causalmm.cli;

import dev.causalmm.causal.CmIRConfig;
import picocli.CommandLine.Option;

/** {@code --cmir.*}: CmIR settings (spec §4.6 placeholders), used with {@code --regularizer cmir}. */
final class CmIROptions {
    private static final CmIRConfig D = CmIRConfig.defaults();

    @Option(names = "--cmir.environments", description = "Virtual environments K (default: ${DEFAULT-VALUE}).")
    int environments = D.environments();

    @Option(names = "--cmir.alpha",
            description = "Noise level of environment 1, in training std units (default: ${DEFAULT-VALUE}).")
    double alpha = D.alpha1();

    @Option(names = "--cmir.alpha-max",
            description = "Noise level of environment K; levels spread linearly from --cmir.alpha (0: alpha·e, the spec's form;"
                    + " default: ${DEFAULT-VALUE}).")
    double alphaMax = D.alphaMax();

    @Option(names = "--cmir.word-blank",
            description = "Texts: words blanked with probability min(1, level·this) (default: ${DEFAULT-VALUE}).")
    double wordBlank = D.wordBlankPerLevel();

    @Option(names = "--cmir.pairing", description = "paired or assigned environments (default: ${DEFAULT-VALUE}).")
    String pairing = D.assigned() ? "assigned" : "paired";

    @Option(names = "--cmir.include-clean", description = "Add the clean input as environment 0.")
    boolean includeClean = D.includeCleanEnv();

    @Option(names = "--cmir.lambda-inv", description = "λ1, invariance (default: ${DEFAULT-VALUE}).")
    double lambdaInv = D.lambdaInv();

    @Option(names = "--cmir.lambda-dec", description = "λ2, orthogonality (default: ${DEFAULT-VALUE}).")
    double lambdaDec = D.lambdaDec();

    @Option(names = "--cmir.lambda-rec", description = "λ3, reconstruction (default: ${DEFAULT-VALUE}).")
    double lambdaRec = D.lambdaRec();

    @Option(names = "--cmir.off-diagonal", description = "Off-diagonal weight α_od (default: ${DEFAULT-VALUE}).")
    double offDiagonal = D.offDiagonal();

    CmIRConfig config() {
        boolean assigned = CmIRConfig.parseAssigned(pairing);
        return D.withEnvironments(environments, alpha, assigned, includeClean).withNoiseRange(alpha, alphaMax)
                .withWordBlankPerLevel(wordBlank)
                .withLambdas(lambdaInv, lambdaDec, lambdaRec).withOrthogonality(offDiagonal, false);
    }
}
