package dev.causalmm.cli;

import dev.causalmm.causal.UMTConfig;
import picocli.CommandLine.Option;

/** {@code --umt.*}: UMT settings ({@link UMTConfig}), used with {@code --regularizer umt}. */
final class UMTOptions {
    private static final UMTConfig D = UMTConfig.defaults();

    @Option(names = "--umt.weight") double weight = D.weight();
    @Option(names = "--umt.teacher-epochs") int teacherEpochs = D.teacherEpochs();
    @Option(names = "--umt.teacher-lr") double teacherLr = D.teacherLr();
    @Option(names = "--umt.teacher-batch") int teacherBatch = D.teacherBatch();

    UMTConfig config() {
        return new UMTConfig(weight, teacherEpochs, teacherLr, teacherBatch);
    }
}
