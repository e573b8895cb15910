package dev.causalmm.cli;

import dev.causalmm.causal.IMMLConfig;
import picocli.CommandLine.Option;

/** {@code --imml.*}: IMML settings (spec §3.5), used with {@code --regularizer imml}. */
final class IMMLOptions {
    private static final IMMLConfig D = IMMLConfig.defaults();

    @Option(names = "--imml.gamma1") double gamma1 = D.gamma1();
    @Option(names = "--imml.gamma2") double gamma2 = D.gamma2();
    @Option(names = "--imml.tau") double tau = D.tau();
    @Option(names = "--imml.neighbours") int neighbours = D.neighbours();
    @Option(names = "--imml.predominant") String predominant = IMMLConfig.predominantName(D.predominant());

    IMMLConfig config() {
        return D.withGammas(gamma1, gamma2).withTau(tau).withNeighbours(neighbours).withPredominant(IMMLConfig.parsePredominant(predominant));
    }
}
