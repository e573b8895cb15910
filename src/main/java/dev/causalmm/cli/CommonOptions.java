package dev.causalmm.cli;

import picocli.CommandLine.Option;

/** Options shared by {@code train} and {@code eval}. */
final class CommonOptions {
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE) picocli.CommandLine.Model.CommandSpec mixee;

    /** Whether --dataset was given on the command line (eval then checks it against the checkpoint). */
    boolean datasetGiven() {
        return mixee != null && mixee.commandLine() != null && mixee.commandLine().getParseResult() != null
                && mixee.commandLine().getParseResult().hasMatchedOption("--dataset");
    }

    @Option(names = "--dataset", defaultValue = "mmlsyn", description = "Dataset: mmlsyn (synthetic feature vectors, spec §2.7)"
            + " or imagetext (synthetic images + texts). Default: ${DEFAULT-VALUE} (eval: the checkpoint's).")
    String dataset;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--out", required = true, description = "Output folder for results.json (and checkpoints).")
    java.nio.file.Path out;

    @Option(names = "--batch-size", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;
}
