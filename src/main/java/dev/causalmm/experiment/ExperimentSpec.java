package dev.causalmm.experiment;

import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.engine.Device;
import dev.causalmm.train.LrSchedule;
import dev.causalmm.engine.Optimizer;
import java.util.List;

/**
 * One experiment: a dataset, a model and a regulariser trained once per seed.
 *
 * @param dataSeed seed of the synthetic data (fixed across training seeds, so seeds vary only the run)
 */
public record ExperimentSpec(String dataset, String model, String regularizer, int epochs, int batchSize,
                             Optimizer.Settings optimizer, LrSchedule schedule, int earlyStopPatience,
                             List<Long> seeds, Device device, MMLSynConfig mmlsyn, long dataSeed) {
    public ExperimentSpec {
        seeds = List.copyOf(seeds);
        if (seeds.isEmpty()) throw new IllegalArgumentException("at least one seed is needed");
        if (!dataset.equals("mmlsyn")) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "'; available: mmlsyn");
        }
    }
}
