package dev.causalmm.cli;

import dev.causalmm.causal.IMMLConfig;
import picocli.CommandLine.Option;

/** {@code --imml.*}: IMML settings (spec §3.5), used with {@code --regularizer imml}. */
final class IMMLOptions {
    private static final IMMLConfig D = IMMLConfig.defaults();

    @Option(names = "--imml.gamma1", description = "Weight of L_mdke (default: ${DEFAULT-VALUE}).")
    double gamma1 = D.gamma1();

    @Option(names = "--imml.gamma2", description = "Weight of L_beta (default: ${DEFAULT-VALUE}).")
    double gamma2 = D.gamma2();

    @Option(names = "--imml.tau", description = "NT-Xent temperature (default: ${DEFAULT-VALUE}).")
    double tau = D.tau();

    @Option(names = "--imml.neighbours", description = "Unpaired partners N per anchor (default: ${DEFAULT-VALUE}).")
    int neighbours = D.neighbours();

    @Option(names = "--imml.predominant",
            description = "Predominant modality index, or auto (best unimodal validation probe). Default: ${DEFAULT-VALUE}.")
    String predominant = D.predominant() < 0 ? "auto" : Integer.toString(D.predominant());

    IMMLConfig config() {
        int p;
        if (predominant.equals("auto")) {
            p = -1;
        } else {
            try {
                p = Integer.parseInt(predominant);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--imml.predominant must be auto or a modality index, got '" + predominant + "'");
            }
        }
        return D.withGammas(gamma1, gamma2).withTau(tau).withNeighbours(neighbours).withPredominant(p);
    }
}
