package dev.causalmm.cli;

import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.MMLSynConfig;
import picocli.CommandLine.Option;

/** How the synthetic data sets are generated (train and demo): sizes apply to either dataset. */
final class DataOptions {
    @Option(names = "--data-seed", defaultValue = "0", description = "Seed of the synthetic data, and of the stratified split and image augmentation of files (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--train-size", description = "Training samples (default: mmlsyn 20000, imagetext 4000).")
    Integer trainSize;

    @Option(names = "--test-size", description = "Test samples (default: mmlsyn 500, imagetext 1000).")
    Integer testSize;

    @Option(names = "--val-size", description = "Validation samples (default: mmlsyn 2000, imagetext 1000).")
    Integer valSize;

    @Option(names = "--spurious-train", description = "Spurious degree s at train: mmlsyn's spurious factor (default 0.7),"
            + " imagetext's class-coloured corner badge (default 0: no badge).")
    Double spuriousTrain;

    @Option(names = "--spurious-test", description = "Spurious degree s at test (default: mmlsyn 0.1, imagetext 0).")
    Double spuriousTest;

    @Option(names = "--modalities", description = "mmlsyn number of modalities K (default: ${DEFAULT-VALUE}).")
    int modalities = MMLSynConfig.defaults(0).modalities();

    /** Refuses the options of another kind of dataset than {@code dataset} (a manifest, a feature file or a generator). */
    static void checkApplies(picocli.CommandLine.Model.CommandSpec spec, String dataset, boolean manifest, boolean file) {
        String given = "--dataset " + dataset;
        CliChecks.onlyWith(spec, java.util.Set.of("--train-size", "--val-size", "--test-size", "--spurious-train", "--spurious-test"),
                !manifest && !file, "--dataset mmlsyn|imagetext", given);
        CliChecks.onlyWith(spec, java.util.Set.of("--no-standardize", "--orientation", "--label-column"), file, "--dataset FEATURE-FILE", given);
        CliChecks.onlyWith(spec, java.util.Set.of("--split", "--skip-bad"), file || manifest, "--dataset FEATURE-FILE|MANIFEST", given);
        CliChecks.onlyWith(spec, java.util.Set.of("--text-field", "--image-field", "--label-field", "--split-field", "--val-manifest",
                "--test-manifest", "--image-size", "--resize", "--augment", "--text-length", "--tokenizer", "--min-count", "--max-vocab",
                "--lowercase"), manifest, "--dataset MANIFEST.jsonl|.csv", given);
    }

    MMLSynConfig mmlsyn() {
        MMLSynConfig d = MMLSynConfig.defaults(dataSeed);
        return d.withSizes(or(trainSize, d.trainSize()), or(valSize, d.valSize()), or(testSize, d.testSize()))
                .withSpurious(or(spuriousTrain, d.spuriousTrain()), or(spuriousTest, d.spuriousTest())).withModalities(modalities);
    }

    ImageTextConfig imagetext() {
        ImageTextConfig d = ImageTextConfig.defaults(dataSeed);
        return d.withSizes(or(trainSize, d.trainSize()), or(valSize, d.valSize()), or(testSize, d.testSize()))
                .withSpurious(or(spuriousTrain, d.spuriousTrain()), or(spuriousTest, d.spuriousTest()));
    }

    private static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    private static double or(Double v, double dflt) {
        return v == null ? dflt : v;
    }
}
