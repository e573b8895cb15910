package dev.causalmm.cli;

import dev.causalmm.engine.Device;
import dev.causalmm.eval.C3Score;
import dev.causalmm.eval.NoiseProtocol;
import dev.causalmm.experiment.CheckpointEvaluation;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code causalmm eval}: evaluates a trained model checkpoint on a dataset's validation and test splits. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model.ckpt written by 'train' and write OUT/results.json. Data options default to"
                + " those recorded in the checkpoint; give them to evaluate under another setting (e.g. --spurious-test 0.9).")
final class EvalCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--checkpoint", required = true, description = "A model.ckpt written by 'causalmm train'.")
    Path checkpoint;

    @Option(names = "--data-file", description = "Feature-file checkpoints: where the dataset file (or manifest) is now, if it"
            + " moved since training (its SHA-256 must match the one recorded).")
    Path dataFile;

    @Option(names = "--model", description = "Expected model name; checked against the checkpoint when given.")
    String model;

    @Option(names = "--spurious-test", description = "Override the checkpoint's test spurious degree s (mmlsyn's spurious"
            + " factor, imagetext's corner badge; for an imagetext model trained without badges, its validation images then"
            + " carry random badges too).")
    Double spuriousTest;

    @Option(names = "--test-size", description = "Override the checkpoint's mmlsyn test size.")
    Integer testSize;

    @Option(names = "--metrics", split = ",", defaultValue = "c3",
            description = "Metrics beside accuracy and loss: c3 (hard C3 sufficiency and necessity risks), dcor"
                    + " (distance correlation of the representation with each MMLSynData factor). Default: ${DEFAULT-VALUE}.")
    Set<String> metrics;

    @Option(names = "--c3-eta", description = "Relative step η_rel of the C3 diagnostic's counterfactual, Z̄ = Z + η_rel·‖Z‖·G/‖G‖"
            + " on the deployed predictor (default: " + C3Score.DEFAULT_ETA_REL + ", as in train).")
    Double c3Eta;

    @Option(names = "--noise", description = "Evaluate under the noise protocol at level ε (spec §6.1): each modality of a"
            + " random half of the samples is corrupted — Gaussian noise of 0.1·ε feature std for features, 10·ε pixels"
            + " (one plane for all channels, clipped) for images, each word blanked with probability 0.1·ε for texts.")
    Double noise;

    @Option(names = "--noise-modalities", split = ",", description = "Modality indices to corrupt (default: all).")
    int[] noiseModalities;

    @Option(names = "--missing-modalities", split = ",",
            description = "Modality indices that are missing at test time (zeroed and masked), e.g. 1 to evaluate without the text.")
    int[] missingModalities;

    @Option(names = "--missing-rate",
            description = "With --missing-modalities: the share of samples that lose each of them (default: 1, all).")
    Double missingRate;

    @Option(names = "--qmf-compat", description = "With --noise: the reference code's image quirks (one fixed noise field, uint8 wraparound).")
    boolean qmfCompat;

    @Option(names = "--skip-bad", description = "Image+text manifests: skip rows with a missing or corrupt image, an unknown label or a"
            + " malformed line (counted in results.json) instead of failing.")
    boolean skipBad;

    @Option(names = {"--seed", "--eval-seed"}, defaultValue = "1",
            description = "Evaluation seed: drives the noise protocol and is recorded in results.json (default: ${DEFAULT-VALUE}).")
    long evalSeed;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    static void checkMetrics(Set<String> metrics) {
        for (String m : metrics) {
            if (!m.equals("c3") && !m.equals("dcor")) throw new IllegalArgumentException("unknown metric '" + m + "' (c3, dcor)");
        }
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        // everything the options alone decide is checked before the checkpoint is read
        Path out = CliChecks.outFolder("--out", common.out);
        CheckpointEvaluation.Options options = Failures.userInput(() -> options(out));
        CheckpointEvaluation.claimOut(out, checkpoint, overwrite.overwrite);
        CheckpointEvaluation.Report report = CheckpointEvaluation.evaluate(checkpoint, options);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(report.toJson((System.nanoTime() - t0) / 1e9)));
        System.out.print(report.summary());
        System.out.println("wrote " + out.resolve("results.json"));
        return 0;
    }

    /** The options as the library's request; fails on any that do not fit together. */
    private CheckpointEvaluation.Options options(Path out) {
        checkMetrics(metrics);
        if (c3Eta != null && !(c3Eta > 0 && Double.isFinite(c3Eta))) {
            throw new IllegalArgumentException("--c3-eta must be a finite number > 0, got " + c3Eta);
        }
        if (c3Eta != null && !metrics.contains("c3")) throw new IllegalArgumentException("--c3-eta needs the c3 metric (--metrics c3)");
        if (noise != null) NoiseProtocol.of(noise, evalSeed); // a finite level >= 0
        CliChecks.needs(commandSpec, "--noise-modalities", noise != null, "--noise EPS");
        if (qmfCompat && noise == null) throw new IllegalArgumentException("--qmf-compat changes the noise protocol: give --noise EPS too");
        if (missingRate != null && missingModalities == null) {
            throw new IllegalArgumentException("--missing-rate needs --missing-modalities (which modalities go missing)");
        }
        if (missingRate != null && !(missingRate >= 0 && missingRate <= 1)) {
            throw new IllegalArgumentException("--missing-rate must be in [0, 1], got " + missingRate);
        }
        if (testSize != null && testSize <= 0) throw new IllegalArgumentException("--test-size must be > 0, got " + testSize);
        if (spuriousTest != null && !(spuriousTest >= 0 && spuriousTest <= 1)) {
            throw new IllegalArgumentException("--spurious-test must be in [0, 1], got " + spuriousTest);
        }
        if (common.batchSize < 0) throw new IllegalArgumentException("--batch-size must be > 0 (0: the evaluation's own), got " + common.batchSize);
        if (Files.isDirectory(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint + " is a folder; give the model.ckpt file that train writes in it");
        }
        var data = new CheckpointEvaluation.DataChoice(common.dataset, dataFile, spuriousTest, testSize, skipBad);
        var corruption = new CheckpointEvaluation.Corruption(noise, noiseModalities, qmfCompat, missingModalities,
                missingRate == null ? 1.0 : missingRate, evalSeed);
        return new CheckpointEvaluation.Options(model, data, corruption, metrics.contains("c3"), c3Eta == null ? C3Score.DEFAULT_ETA_REL : c3Eta,
                metrics.contains("dcor"),
                common.batchSize > 0 ? common.batchSize : dev.causalmm.eval.ModelEvaluation.Plan.defaults().batchSize(), Device.parse(common.device), out.resolve("feature-cache"));
    }
}
