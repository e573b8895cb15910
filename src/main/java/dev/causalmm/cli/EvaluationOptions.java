package dev.causalmm.cli;

import dev.causalmm.experiment.ExperimentSpec;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** What {@code train} measures after training: {@link ExperimentSpec.Evaluation}. */
final class EvaluationOptions {
    @Option(names = "--metrics", split = ",", defaultValue = "c3",
            description = "Extra metrics: c3 (hard C3 risks, always on), dcor (distance correlation of the representation"
                    + " with each MMLSynData factor). Default: ${DEFAULT-VALUE}.")
    Set<String> metrics;

    @Option(names = "--eval-noise", split = ",",
            description = "After training, evaluate the test set under the noise protocol at these levels ε (e.g. 0,5,10).")
    List<Double> evalNoise;

    @Option(names = "--eval-seeds",
            description = "Evaluation seeds per training seed for --eval-noise (0: one, = the training seed; 5: QMF's 5×5 layout).")
    int evalSeeds = ExperimentSpec.Evaluation.defaults().evalSeeds();

    @Option(names = "--qmf-compat", description = "Noise protocol with the reference code's image quirks (one fixed noise field, uint8 wraparound).")
    boolean qmfCompat;

    @Option(names = "--eval-noise-modalities", split = ",", description = "Modality indices --eval-noise corrupts (default: all).")
    List<Integer> evalNoiseModalities;

    ExperimentSpec.Evaluation evaluation(CommandSpec spec) {
        boolean noise = evalNoise != null && !evalNoise.isEmpty();
        CliChecks.needs(spec, "--eval-seeds", noise, "--eval-noise");
        if (qmfCompat && !noise) throw new IllegalArgumentException("--qmf-compat changes the noise protocol: give --eval-noise too");
        EvalCommand.checkMetrics(metrics);
        CliChecks.needs(spec, "--eval-noise-modalities", noise, "--eval-noise");
        return new ExperimentSpec.Evaluation(metrics.contains("dcor"), evalNoise, evalSeeds, qmfCompat, evalNoiseModalities);
    }
}
