package dev.causalmm.cli;

import dev.causalmm.causal.UMTConfig;
import picocli.CommandLine.Option;

/** {@code --umt.*}: UMT settings ({@link UMTConfig}), used with {@code --regularizer umt}. */
final class UMTOptions {
    private static final UMTConfig D = UMTConfig.defaults();

    @Option(names = "--umt.weight", description = "λ of the feature distillation loss λ·Σ_k MSE(H_k, T_k) (default: ${DEFAULT-VALUE}).")
    double weight = D.weight();

    @Option(names = "--umt.teacher-epochs", description = "Epochs of uni-modal teacher training before the run (default: ${DEFAULT-VALUE}).")
    int teacherEpochs = D.teacherEpochs();

    @Option(names = "--umt.teacher-lr", description = "Adam learning rate of the teachers (default: ${DEFAULT-VALUE}).")
    double teacherLr = D.teacherLr();

    @Option(names = "--umt.teacher-batch", description = "Batch size of the teachers (default: ${DEFAULT-VALUE}).")
    int teacherBatch = D.teacherBatch();

    UMTConfig config() {
        return new UMTConfig(weight, teacherEpochs, teacherLr, teacherBatch);
    }
}
