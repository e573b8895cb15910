package dev.causalmm.cli;

import picocli.CommandLine.Option;

/** Options shared by {@code train} and {@code eval}. */
final class CommonOptions {
    @Option(names = "--dataset", description = "Dataset: mmlsyn (synthetic feature vectors, spec §2.7)"
            + " or imagetext (synthetic images + texts), a feature file (.mat, .npy/.npz, .csv) or manifest (.yaml) path,"
            + " or an image+text manifest (FILE.jsonl or FILE.csv: text, image path, label). Default: mmlsyn (eval: the checkpoint's).")
    String dataset;

    /** The --dataset given, or {@code dflt} when none was. */
    String dataset(String dflt) {
        return dataset == null ? dflt : dataset;
    }

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--out", required = true, description = "Output folder for results.json (and checkpoints).")
    java.nio.file.Path out;

    @Option(names = "--batch-size", description = "Batch size; 0 = chosen: train from the training-set size (docs/methods.md),"
            + " eval the evaluation's own (default: ${DEFAULT-VALUE}).")
    int batchSize = dev.causalmm.experiment.ExperimentSpec.Recipe.defaults().batchSize();
}
