package dev.causalmm.cli;

import dev.causalmm.causal.CmIRConfig;
import picocli.CommandLine.Option;

/** {@code --cmir.*}: CmIR settings (spec §4.6 placeholders), used with {@code --regularizer cmir}. */
final class CmIROptions {
    @Option(names = "--cmir.environments", defaultValue = "3", description = "Virtual environments K (default: ${DEFAULT-VALUE}).")
    int environments;

    @Option(names = "--cmir.alpha", defaultValue = "1.0",
            description = "Noise level of environment 1, in training std units (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--cmir.alpha-max", defaultValue = "3.0",
            description = "Noise level of environment K; levels spread linearly from --cmir.alpha (0: alpha·e, the spec's form;"
                    + " default: ${DEFAULT-VALUE}).")
    double alphaMax;

    @Option(names = "--cmir.word-blank", defaultValue = "0.25",
            description = "Texts: words blanked with probability min(1, level·this) (default: ${DEFAULT-VALUE}).")
    double wordBlank;

    @Option(names = "--cmir.pairing", defaultValue = "paired", description = "paired (default) or assigned environments.")
    String pairing;

    @Option(names = "--cmir.include-clean", description = "Add the clean input as environment 0.")
    boolean includeClean;

    @Option(names = "--cmir.lambda-inv", defaultValue = "0.1", description = "λ1, invariance (default: ${DEFAULT-VALUE}).")
    double lambdaInv;

    @Option(names = "--cmir.lambda-dec", defaultValue = "0.1", description = "λ2, orthogonality (default: ${DEFAULT-VALUE}).")
    double lambdaDec;

    @Option(names = "--cmir.lambda-rec", defaultValue = "0.1", description = "λ3, reconstruction (default: ${DEFAULT-VALUE}).")
    double lambdaRec;

    @Option(names = "--cmir.off-diagonal", defaultValue = "0.1", description = "Off-diagonal weight α_od (default: ${DEFAULT-VALUE}).")
    double offDiagonal;

    CmIRConfig config() {
        boolean assigned = switch (pairing) {
            case "paired" -> false;
            case "assigned" -> true;
            default -> throw new IllegalArgumentException("--cmir.pairing must be paired or assigned, got '" + pairing + "'");
        };
        return CmIRConfig.defaults().withEnvironments(environments, alpha, assigned, includeClean).withNoiseRange(alpha, alphaMax)
                .withWordBlankPerLevel(wordBlank)
                .withLambdas(lambdaInv, lambdaDec, lambdaRec).withOrthogonality(offDiagonal, false);
    }
}
