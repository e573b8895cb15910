package dev.causalmm.cli;

import picocli.CommandLine.Option;

/** Options shared by {@code train} and {@code eval}. */
final class CommonOptions {
    @Option(names = "--dataset", defaultValue = "mmlsyn", description = "Dataset: mmlsyn (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--out", required = true, description = "Output folder for results.json (and checkpoints).")
    java.nio.file.Path out;

    @Option(names = "--batch-size", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;
}
