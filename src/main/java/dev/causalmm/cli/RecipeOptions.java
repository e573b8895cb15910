package dev.causalmm.cli;

import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Precision;
import dev.causalmm.experiment.ExperimentSpec;
import dev.causalmm.train.LrSchedule;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How {@code train} trains each seed: {@link ExperimentSpec.Recipe}, whose defaults these options start from. */
final class RecipeOptions {
    private static final ExperimentSpec.Recipe D = ExperimentSpec.Recipe.defaults();

    @Option(names = "--epochs", description = "Training epochs; 0 = chosen from the training-set size, 10 to 100 epochs aiming at"
            + " 2000 optimizer steps (docs/methods.md) (default: ${DEFAULT-VALUE}).")
    int epochs = D.epochs();

    @Option(names = "--optimizer", description = "adam, adamw, sgd (default: ${DEFAULT-VALUE}).")
    String optimizer = D.optimizer().kind().name().toLowerCase(Locale.ROOT);

    @Option(names = "--lr", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr = D.optimizer().lr();

    @Option(names = "--weight-decay", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = D.optimizer().weightDecay();

    @Option(names = "--schedule", description = "constant, cosine (to 0 over the run), plateau (default: ${DEFAULT-VALUE}).")
    String schedule = LrSchedule.name(D.schedule());

    @Option(names = "--early-stop", description = "Early-stopping patience in epochs, 0 = off (default: ${DEFAULT-VALUE}).")
    int earlyStop = D.earlyStopPatience();

    @Option(names = "--precision", paramLabel = "fp32|tf32|bf16",
            description = "Math precision: fp32, tf32 (TF32 tensor cores for CUDA matmuls/convolutions) or bf16 (autocast around the"
                    + " forward pass, float32 master weights) (default: ${DEFAULT-VALUE}).")
    String precision = D.precision().name().toLowerCase(Locale.ROOT);

    /** The recipe with a global batch of {@code globalBatch}. */
    ExperimentSpec.Recipe recipe(int globalBatch) {
        return new ExperimentSpec.Recipe(epochs, globalBatch, optimizerSettings(optimizer, lr, weightDecay), LrSchedule.parse(schedule),
                earlyStop, Precision.parse(precision));
    }

    /** {@code --optimizer} with the command line's moments (β 0.9/0.999, SGD momentum 0.9). */
    static Optimizer.Settings optimizerSettings(String name, double lr, double wd) {
        Optimizer.Kind kind = switch (name) {
            case "adam" -> Optimizer.Kind.ADAM;
            case "adamw" -> Optimizer.Kind.ADAMW;
            case "sgd" -> Optimizer.Kind.SGD;
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (adam, adamw, sgd)");
        };
        return new Optimizer.Settings(kind, lr, wd, 0.9, 0.999, 1e-8, 0.9);
    }
}
