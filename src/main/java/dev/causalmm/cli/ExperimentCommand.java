package dev.causalmm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.experiment.GridConfig;
import dev.causalmm.experiment.GridRunner;
import dev.causalmm.io.OutputFolder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code causalmm experiment --config FILE}: a resumable grid of models × regularisers × seeds × noise levels. */
@Command(name = "experiment", mixinStandardHelpOptions = true)
final class ExperimentCommand implements Callable<Integer> {
    @Option(names = "--config", required = true) Path config;
    @Option(names = "--out") Path out;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @picocli.CommandLine.Mixin LoggerOption logger;
    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true") boolean progress;
    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        if (out != null) OutputFolder.requireFolder("--out", out);
        var loggers = logger.loggers();
        GridConfig grid = GridConfig.read(config);
        Path dir = out != null ? out : GridRunner.defaultOut(grid);
        OutputFolder.requireFolder("--out", dir);
        Engine.deterministic(true);
        ObjectNode root = GridRunner.run(grid, dir, Device.parse(device), progress, loggers, overwrite.overwrite);
        System.out.print(GridRunner.summary(dir, root));
        return 0;
    }
}
