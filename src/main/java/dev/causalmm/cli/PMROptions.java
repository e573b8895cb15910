package dev.causalmm.cli;

import dev.causalmm.causal.PMRConfig;
import picocli.CommandLine.Option;

/** {@code --pmr.*}: PMR settings ({@link PMRConfig}), used with {@code --regularizer pmr}. */
final class PMROptions {
    private static final PMRConfig D = PMRConfig.defaults();

    @Option(names = "--pmr.alpha", description = "Weight α of the weaker modality's prototypical cross-entropy (default: ${DEFAULT-VALUE}).")
    double alpha = D.alpha();

    @Option(names = "--pmr.momentum", description = "Prototype momentum μ in [0, 1): P ← (1−μ)·P_new + μ·P_old (default: ${DEFAULT-VALUE}).")
    double momentum = D.momentum();

    @Option(names = "--pmr.modulation-starts", description = "First epoch with the prototypical term, 0-based (default: ${DEFAULT-VALUE}).")
    int modulationStarts = D.modulationStarts();

    @Option(names = "--pmr.modulation-ends", description = "Last epoch with it, inclusive (default: ${DEFAULT-VALUE}).")
    int modulationEnds = D.modulationEnds();

    PMRConfig config() {
        return new PMRConfig(alpha, momentum, modulationStarts, modulationEnds);
    }
}
