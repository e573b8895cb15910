package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.data.DataSplits;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.train.GradientSync;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The output folder of a training run ({@code causalmm train}): checked and claimed for the run's
 * {@link ExperimentRunner#provenance provenance}, and given its results.json. Only rank 0 (or a lone
 * process, {@code root}) owns it; the other data-parallel workers just read the data.
 */
public final class TrainFolder {
    private TrainFolder() {}

    /**
     * Opens {@code spec}'s data for a run into {@code out}: on rank 0 the folder is first checked (another
     * run's outputs are refused without {@code overwrite}) and cleared of stale temporaries, and claimed
     * once the data has opened, so a data file that fails to read leaves no owner and no new folder behind.
     */
    public static DataSplits open(ExperimentSpec spec, Path out, boolean root, boolean overwrite) throws IOException {
        if (root) OutputFolder.check(out, ExperimentRunner.provenance(spec), overwrite);
        Path made = OutputFolder.firstMissing(out);
        OutputFolder.create(out);
        if (root) AtomicFiles.deleteStaleTemporaries(out);
        DataSplits splits = OutputFolder.undoIfFails(made, () -> spec.generateData(out.resolve("feature-cache")));
        if (root) OutputFolder.claim(out, ExperimentRunner.provenance(spec), overwrite);
        return splits;
    }

    /** Writes OUT/results.json of the finished {@code runs} ({@link Results#train}) and returns it. */
    public static ObjectNode writeResults(Path out, ExperimentSpec spec, List<RunResult> runs, DataSplits splits, GradientSync sync,
                                          int batchPerRank, double seconds) throws IOException {
        ObjectNode results = Results.train(spec, runs, splits, sync, batchPerRank, seconds);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(results));
        return results;
    }
}
