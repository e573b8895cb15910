package dev.causalmm.cli;

import dev.causalmm.causal.IMMLConfig;
import picocli.CommandLine.Option;

/** {@code --imml.*}: IMML settings (spec §3.5), used with {@code --regularizer imml}. */
final class IMMLOptions {
    @Option(names = "--imml.gamma1", defaultValue = "1e-2", description = "Weight of L_mdke (default: ${DEFAULT-VALUE}).")
    double gamma1;

    @Option(names = "--imml.gamma2", defaultValue = "1.0", description = "Weight of L_beta (default: ${DEFAULT-VALUE}).")
    double gamma2;

    @Option(names = "--imml.tau", defaultValue = "0.1", description = "NT-Xent temperature (default: ${DEFAULT-VALUE}).")
    double tau;

    @Option(names = "--imml.neighbours", defaultValue = "2", description = "Unpaired partners N per anchor (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Option(names = "--imml.predominant", defaultValue = "auto",
            description = "Predominant modality index, or auto (best unimodal validation probe). Default: ${DEFAULT-VALUE}.")
    String predominant;

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
        return IMMLConfig.defaults().withGammas(gamma1, gamma2).withTau(tau).withNeighbours(neighbours).withPredominant(p);
    }
}
