package dev.causalmm.cli;

import dev.causalmm.train.metrics.MetricsLoggers;
import picocli.CommandLine.Option;

/** {@code --logger}: which metric files a training command writes while it runs (docs/metrics.md). */
final class LoggerOption {
    @Option(names = "--logger", defaultValue = MetricsLoggers.DEFAULT_OPTION, paramLabel = "csv,tensorboard|none",
            description = "Metric files written while training, in each run's checkpoint folder: csv (metrics.csv), tensorboard"
                    + " (an events.out.tfevents.* file), both comma-separated, or none; hparams.yaml comes with either"
                    + " (default: ${DEFAULT-VALUE}). See docs/metrics.md.")
    String logger;

    MetricsLoggers loggers() {
        return MetricsLoggers.parse("--logger", logger);
    }
}
