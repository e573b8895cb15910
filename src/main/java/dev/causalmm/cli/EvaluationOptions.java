package dev.causalmm.cli;

import dev.causalmm.experiment.CheckpointEvaluation;
import dev.causalmm.experiment.ExperimentSpec;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** What {@code train} measures after training: {@link ExperimentSpec.Evaluation}. */
final class EvaluationOptions {
    @Option(names = "--metrics", split = ",", defaultValue = "c3") Set<String> metrics;
    @Option(names = "--eval-noise", split = ",") List<Double> evalNoise;
    @Option(names = "--eval-seeds") int evalSeeds = ExperimentSpec.Evaluation.defaults().evalSeeds();
    @Option(names = "--qmf-compat") boolean qmfCompat;
    @Option(names = "--eval-noise-modalities", split = ",") List<Integer> evalNoiseModalities;

    ExperimentSpec.Evaluation evaluation(CommandSpec spec) {
        boolean noise = evalNoise != null && !evalNoise.isEmpty();
        CliChecks.needs(spec, "--eval-seeds", noise, "--eval-noise");
        if (qmfCompat && !noise) throw new IllegalArgumentException("--qmf-compat changes the noise protocol: give --eval-noise too");
        CheckpointEvaluation.checkMetrics(metrics);
        CliChecks.needs(spec, "--eval-noise-modalities", noise, "--eval-noise");
        return new ExperimentSpec.Evaluation(metrics.contains("dcor"), evalNoise, evalSeeds, qmfCompat, evalNoiseModalities);
    }
}
