package dev.causalmm.cli;

import dev.causalmm.engine.Device;
import dev.causalmm.eval.C3Score;
import dev.causalmm.experiment.CheckpointEvaluation;
import dev.causalmm.io.OutputFolder;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm eval}: evaluates a trained model checkpoint on a dataset's validation and test splits. */
@Command(name = "eval", mixinStandardHelpOptions = true)
final class EvalCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--checkpoint", required = true) Path checkpoint;
    @Option(names = "--data-file") Path dataFile;
    @Option(names = "--model") String model;
    @Option(names = "--spurious-test") Double spuriousTest;
    @Option(names = "--test-size") Integer testSize;
    @Option(names = "--metrics", split = ",", defaultValue = "c3") Set<String> metrics;

    @Option(names = "--c3-eta", description = "Relative step η_rel of the C3 diagnostic's counterfactual, Z̄ = Z + η_rel·‖Z‖·G/‖G‖"
            + " on the deployed predictor (default: " + C3Score.DEFAULT_ETA_REL + ", as in train).")
    Double c3Eta;

    @Option(names = "--noise") Double noise;
    @Option(names = "--noise-modalities", split = ",") int[] noiseModalities;
    @Option(names = "--missing-modalities", split = ",") int[] missingModalities;
    @Option(names = "--missing-rate") Double missingRate;
    @Option(names = "--qmf-compat") boolean qmfCompat;
    @Option(names = "--skip-bad") boolean skipBad;
    @Option(names = {"--seed", "--eval-seed"}, defaultValue = "1") long evalSeed;
    @Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // everything the options alone decide is checked before the checkpoint is read
        Path out = OutputFolder.requireFolder("--out", common.out);
        CheckpointEvaluation.Options options = Failures.userInput(() -> options(out));
        CheckpointEvaluation.Report report = CheckpointEvaluation.evaluateInto(out, checkpoint, options, overwrite.overwrite, t0);
        System.out.print(report.summary());
        System.out.println("wrote " + out.resolve("results.json"));
        return 0;
    }

    /** The options as the library's request (whose records check the values); fails on any that do not fit together. */
    private CheckpointEvaluation.Options options(Path out) {
        CheckpointEvaluation.checkMetrics(metrics);
        CliChecks.needs(commandSpec, "--c3-eta", metrics.contains("c3"), "the c3 metric (--metrics c3)");
        CliChecks.needs(commandSpec, "--missing-rate", missingModalities != null, "--missing-modalities");
        var data = new CheckpointEvaluation.DataChoice(common.dataset, dataFile, spuriousTest, testSize, skipBad);
        var corruption = new CheckpointEvaluation.Corruption(noise, noiseModalities, qmfCompat, missingModalities, missingRate, evalSeed);
        return CheckpointEvaluation.Options.of(model, data, corruption, metrics, c3Eta, common.batchSize, Device.parse(common.device),
                out.resolve("feature-cache"));
    }
}
