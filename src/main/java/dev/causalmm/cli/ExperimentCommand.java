package dev.causalmm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.experiment.GridConfig;
import dev.causalmm.experiment.GridRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code causalmm experiment --config FILE}: a resumable grid of models × regularisers × seeds × noise levels. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment grid from a JSON or YAML config (see experiments/*.json) and write OUT/results.json,"
                + " OUT/report.md (Avg./Worst. per noise level, best in bold, t-test p-values) and OUT/accuracy-vs-noise.png."
                + " Finished cells are kept in OUT/cells/ and skipped when the grid is run again.")
final class ExperimentCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Experiment config (JSON, or YAML by .yaml/.yml).")
    Path config;

    @Option(names = "--out", description = "Output folder (default: runs/<config name>).")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @picocli.CommandLine.Mixin LoggerOption logger;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar when attached to a terminal.")
    boolean progress;

    @picocli.CommandLine.Mixin OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        if (out != null) CliChecks.outFolder("--out", out);
        var loggers = logger.loggers();
        GridConfig grid = GridConfig.read(config);
        Path dir = out != null ? out : GridRunner.defaultOut(grid);
        CliChecks.outFolder("--out", dir);
        Engine.deterministic(true);
        ObjectNode root = GridRunner.run(grid, dir, Device.parse(device), progress, loggers, overwrite.overwrite);
        System.out.print(Files.readString(dir.resolve("report.md")));
        System.out.printf("%ntotal %.1f s; wrote %s, %s, %s%n", root.get("totalSeconds").asDouble(), dir.resolve("results.json"),
                dir.resolve("report.md"), dir.resolve("accuracy-vs-noise.png"));
        return 0;
    }
}
