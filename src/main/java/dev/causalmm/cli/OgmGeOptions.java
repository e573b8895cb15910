package dev.causalmm.cli;

import dev.causalmm.causal.OGMGEConfig;
import picocli.CommandLine.Option;

/** {@code --ogm-ge.*}: OGM-GE settings ({@link OGMGEConfig}), used with {@code --regularizer ogm-ge}. */
final class OgmGeOptions {
    private static final OGMGEConfig D = OGMGEConfig.defaults();

    @Option(names = "--ogm-ge.alpha") double alpha = D.alpha();
    @Option(names = "--ogm-ge.modulation-starts") int modulationStarts = D.modulationStarts();
    @Option(names = "--ogm-ge.modulation-ends") int modulationEnds = D.modulationEnds();
    @Option(names = "--ogm-ge.no-noise") boolean noNoise = !D.noise();

    OGMGEConfig config() {
        return new OGMGEConfig(alpha, modulationStarts, modulationEnds, !noNoise);
    }
}
