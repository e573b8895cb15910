package dev.causalmm.cli;

import dev.causalmm.causal.OGMGEConfig;
import picocli.CommandLine.Option;

/** {@code --ogm-ge.*}: OGM-GE settings ({@link OGMGEConfig}), used with {@code --regularizer ogm-ge}. */
final class OgmGeOptions {
    private static final OGMGEConfig D = OGMGEConfig.defaults();

    @Option(names = "--ogm-ge.alpha", description = "α of the modulation coefficient k = 1 − tanh(α·ρ) (default: ${DEFAULT-VALUE}).")
    double alpha = D.alpha();

    @Option(names = "--ogm-ge.modulation-starts", description = "First modulated epoch, 0-based (default: ${DEFAULT-VALUE}).")
    int modulationStarts = D.modulationStarts();

    @Option(names = "--ogm-ge.modulation-ends", description = "Last modulated epoch, inclusive (default: ${DEFAULT-VALUE}).")
    int modulationEnds = D.modulationEnds();

    @Option(names = "--ogm-ge.no-noise", description = "OGM without GE: no Gaussian noise added to the modulated gradients.")
    boolean noNoise = !D.noise();

    OGMGEConfig config() {
        return new OGMGEConfig(alpha, modulationStarts, modulationEnds, !noNoise);
    }
}
