package dev.causalmm.cli;

import dev.causalmm.causal.CmIRConfig;
import picocli.CommandLine.Option;

/** {@code --cmir.*}: CmIR settings (spec §4.6 placeholders), used with {@code --regularizer cmir}. */
final class CmIROptions {
    private static final CmIRConfig D = CmIRConfig.defaults();

    @Option(names = "--cmir.environments") int environments = D.environments();
    @Option(names = "--cmir.alpha") double alpha = D.alpha1();
    @Option(names = "--cmir.alpha-max") double alphaMax = D.alphaMax();
    @Option(names = "--cmir.word-blank") double wordBlank = D.wordBlankPerLevel();
    @Option(names = "--cmir.pairing") String pairing = D.assigned() ? "assigned" : "paired";
    @Option(names = "--cmir.include-clean") boolean includeClean = D.includeCleanEnv();
    @Option(names = "--cmir.lambda-inv") double lambdaInv = D.lambdaInv();
    @Option(names = "--cmir.lambda-dec") double lambdaDec = D.lambdaDec();
    @Option(names = "--cmir.lambda-rec") double lambdaRec = D.lambdaRec();
    @Option(names = "--cmir.off-diagonal") double offDiagonal = D.offDiagonal();

    CmIRConfig config() {
        boolean assigned = CmIRConfig.parseAssigned(pairing);
        return D.withEnvironments(environments, alpha, assigned, includeClean).withNoiseRange(alpha, alphaMax)
                .withWordBlankPerLevel(wordBlank)
                .withLambdas(lambdaInv, lambdaDec, lambdaRec).withOrthogonality(offDiagonal, false);
    }
}
