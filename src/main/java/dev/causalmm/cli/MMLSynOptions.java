package dev.causalmm.cli;

import dev.causalmm.data.MMLSynConfig;
import picocli.CommandLine.Option;

/** How the synthetic MMLSynData is generated (train and demo). */
final class MMLSynOptions {
    @Option(names = "--data-seed", defaultValue = "0", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--train-size", defaultValue = "20000", description = "mmlsyn training samples (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--test-size", defaultValue = "500", description = "mmlsyn test samples (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--val-size", defaultValue = "2000", description = "mmlsyn validation samples (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Option(names = "--spurious-train", defaultValue = "0.7", description = "mmlsyn spurious degree s at train (default: ${DEFAULT-VALUE}).")
    double spuriousTrain;

    @Option(names = "--spurious-test", defaultValue = "0.1", description = "mmlsyn spurious degree s at test (default: ${DEFAULT-VALUE}).")
    double spuriousTest;

    @Option(names = "--modalities", defaultValue = "2", description = "mmlsyn number of modalities K (default: ${DEFAULT-VALUE}).")
    int modalities;

    MMLSynConfig mmlsyn() {
        return MMLSynConfig.defaults(dataSeed).withSizes(trainSize, valSize, testSize)
                .withSpurious(spuriousTrain, spuriousTest).withModalities(modalities);
    }
}
