package dev.causalmm.cli;

import dev.causalmm.engine.Precision;
import dev.causalmm.experiment.ExperimentSpec;
import dev.causalmm.train.LrSchedule;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How {@code train} trains each seed: {@link ExperimentSpec.Recipe}, whose defaults these options start from. */
final class RecipeOptions {
    private static final ExperimentSpec.Recipe D = ExperimentSpec.Recipe.defaults();

    @Option(names = "--epochs") int epochs = D.epochs();
    @Option(names = "--optimizer") String optimizer = D.optimizer().kind().name().toLowerCase(Locale.ROOT);
    @Option(names = "--lr") double lr = D.optimizer().lr();
    @Option(names = "--weight-decay") double weightDecay = D.optimizer().weightDecay();
    @Option(names = "--schedule") String schedule = LrSchedule.name(D.schedule());
    @Option(names = "--early-stop") int earlyStop = D.earlyStopPatience();
    @Option(names = "--precision", paramLabel = "fp32|tf32|bf16") String precision = D.precision().name().toLowerCase(Locale.ROOT);

    /** The recipe with a global batch of {@code globalBatch}; the optimizer's moments: {@link ExperimentSpec.Recipe#optimizer}. */
    ExperimentSpec.Recipe recipe(int globalBatch) {
        var optimizer = ExperimentSpec.Recipe.optimizer(this.optimizer, lr, weightDecay);
        return new ExperimentSpec.Recipe(epochs, globalBatch, optimizer, LrSchedule.parse(schedule), earlyStop, Precision.parse(precision));
    }
}
