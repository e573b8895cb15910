package dev.causalmm.cli;

import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.MMLSynConfig;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** How the synthetic data sets are generated (train and demo): sizes apply to either dataset. */
final class DataOptions {
    @Option(names = "--data-seed", defaultValue = "0") long dataSeed;
    @Option(names = "--train-size") Integer trainSize;
    @Option(names = "--test-size") Integer testSize;
    @Option(names = "--val-size") Integer valSize;
    @Option(names = "--spurious-train") Double spuriousTrain;
    @Option(names = "--spurious-test") Double spuriousTest;
    @Option(names = "--modalities") int modalities = MMLSynConfig.defaults(0).modalities();

    /** Refuses the options of another kind of dataset than {@code dataset} (a manifest, a feature file or a generator). */
    static void checkApplies(CommandSpec spec, String dataset, boolean manifest, boolean file) {
        String given = "--dataset " + dataset;
        CliChecks.onlyWith(spec, Set.of("--train-size", "--val-size", "--test-size", "--spurious-train", "--spurious-test"),
                !manifest && !file, "--dataset mmlsyn|imagetext", given);
        CliChecks.onlyWith(spec, Set.of("--no-standardize", "--orientation", "--label-column"), file, "--dataset FEATURE-FILE", given);
        CliChecks.onlyWith(spec, Set.of("--split", "--skip-bad"), file || manifest, "--dataset FEATURE-FILE|MANIFEST", given);
        CliChecks.onlyWith(spec, Set.of("--text-field", "--image-field", "--label-field", "--split-field", "--val-manifest",
                "--test-manifest", "--image-size", "--resize", "--augment", "--text-length", "--tokenizer", "--min-count", "--max-vocab",
                "--lowercase"), manifest, "--dataset MANIFEST.jsonl|.csv", given);
    }

    MMLSynConfig mmlsyn() {
        return MMLSynConfig.defaults(dataSeed).withGiven(trainSize, valSize, testSize, spuriousTrain, spuriousTest).withModalities(modalities);
    }

    ImageTextConfig imagetext() {
        return ImageTextConfig.defaults(dataSeed).withGiven(trainSize, valSize, testSize, spuriousTrain, spuriousTest);
    }
}
