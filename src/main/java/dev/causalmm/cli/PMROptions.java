package dev.causalmm.cli;

import dev.causalmm.causal.PMRConfig;
import picocli.CommandLine.Option;

/** {@code --pmr.*}: PMR settings ({@link PMRConfig}), used with {@code --regularizer pmr}. */
final class PMROptions {
    private static final PMRConfig D = PMRConfig.defaults();

    @Option(names = "--pmr.alpha") double alpha = D.alpha();
    @Option(names = "--pmr.momentum") double momentum = D.momentum();
    @Option(names = "--pmr.modulation-starts") int modulationStarts = D.modulationStarts();
    @Option(names = "--pmr.modulation-ends") int modulationEnds = D.modulationEnds();

    PMRConfig config() {
        return new PMRConfig(alpha, momentum, modulationStarts, modulationEnds);
    }
}
