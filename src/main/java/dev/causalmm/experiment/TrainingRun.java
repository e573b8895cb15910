package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.data.DataSplits;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.train.GradientSync;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * One process's part of {@code causalmm train} once the options are checked and any local workers
 * started: the run's folder checked and claimed for its {@link ExperimentRunner#provenance provenance}
 * (only rank 0 owns it), the data opened, the data-parallel group joined, every seed trained, and
 * results.json written by rank 0.
 *
 * @param spec      what to train
 * @param out       the run's folder
 * @param root      rank 0, or a lone process
 * @param join      joins the data-parallel group on the run's device (a lone process: the local sync)
 * @param overwrite another run's outputs in {@code out} are replaced instead of refused
 */
public record TrainingRun(ExperimentSpec spec, Path out, boolean root, Function<Device, GradientSync> join, boolean overwrite) {
    /** What this process trained: its runs, its sync, and results.json's content (null on a rank other than 0). */
    public record Outcome(List<RunResult> runs, GradientSync sync, ObjectNode results) {}

    /**
     * Trains every seed. results.json records {@code batchPerRank} and the seconds since {@code startNanos}
     * ({@link System#nanoTime}); a feature file's description goes to {@code stdout}.
     */
    public Outcome train(boolean progress, MetricsLoggers loggers, int batchPerRank, long startNanos, PrintStream stdout) throws IOException {
        DataSplits splits = open();
        if (splits.featureFile() != null && root) stdout.println(splits.featureFile().describe());
        Engine.deterministic(true);
        GradientSync sync = join.apply(spec.device());
        List<RunResult> runs = ExperimentRunner.run(spec, splits, out, progress, sync, loggers);
        if (!root) return new Outcome(runs, sync, null);
        ObjectNode results = Results.train(spec, runs, splits, sync, batchPerRank, (System.nanoTime() - startNanos) / 1e9);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(results));
        return new Outcome(runs, sync, results);
    }

    /**
     * Opens the data into {@code out}: on rank 0 the folder is first checked (another run's outputs are
     * refused without {@code overwrite}) and cleared of stale temporaries, and claimed once the data has
     * opened, so a data file that fails to read leaves no owner and no new folder behind.
     */
    private DataSplits open() throws IOException {
        if (root) OutputFolder.check(out, ExperimentRunner.provenance(spec), overwrite);
        Path made = OutputFolder.firstMissing(out);
        OutputFolder.create(out);
        if (root) AtomicFiles.deleteStaleTemporaries(out);
        DataSplits splits = OutputFolder.undoIfFails(made, () -> spec.generateData(out.resolve("feature-cache")));
        if (root) OutputFolder.claim(out, ExperimentRunner.provenance(spec), overwrite);
        return splits;
    }
}
