package dev.causalmm.cli;

import dev.causalmm.train.metrics.MetricsLoggers;
import picocli.CommandLine.Option;

/** {@code --logger}: which metric files a training command writes while it runs (docs/metrics.md). */
final class LoggerOption {
    @Option(names = "--logger", defaultValue = MetricsLoggers.DEFAULT_OPTION, paramLabel = "csv,tensorboard|none") String logger;

    MetricsLoggers loggers() {
        return MetricsLoggers.parse("--logger", logger);
    }
}
