package dev.causalmm.cli;

import picocli.CommandLine.Option;

/** Options shared by {@code train} and {@code eval} (help: the bare keys in Help.properties). */
final class CommonOptions {
    @Option(names = "--dataset") String dataset;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--out", required = true) java.nio.file.Path out;
    @Option(names = "--batch-size") int batchSize = dev.causalmm.experiment.ExperimentSpec.Recipe.defaults().batchSize();

    /** The --dataset given, or {@code dflt} when none was. */
    String dataset(String dflt) {
        return dataset == null ? dflt : dataset;
    }
}
