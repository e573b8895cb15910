package dev.causalmm.seg;

import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.LrSchedule;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.TimeLimit;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.Trainer;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segmentation's step budget on the shared {@link Trainer}: {@link SegRecipe#steps()} Adam steps
 * of a {@link SegTask} (patches drawn per (seed, step, slot) and loaded through
 * {@code data.DataLoader}), the trainer's step-budget mode with one "epoch" per
 * {@link SegRecipe#checkpointEvery()} steps (a checkpoint at each and at the end), the learning
 * rate an {@link LrSchedule} over steps, the time limit a {@link TimeLimit} listener. Resume is
 * O(1): the patches and C3R's voxels of step s are known without drawing the steps before it.
 */
public final class SegTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SegTrainer.class);

    /** What a run did: steps taken, final running loss, seconds, and the loss every log step. */
    public record Result(int steps, double finalLoss, double seconds, List<Double> lossCurve, boolean stoppedByTimeLimit) {
        /** The line seg-train prints: steps, time, final loss, whether the time limit stopped it, and where it went. */
        public String summary(Path out) {
            return String.format(Locale.ROOT, "seg-train: %d steps in %.0f s, final loss %.4f%s -> %s", steps, seconds, finalLoss,
                    stoppedByTimeLimit ? " (stopped by --time-limit)" : "", out);
        }
    }

    private SegTrainer() {}

    /** Trains {@code model} (already on {@code recipe.device()}) in place; checkpoints go to {@code out} (none when null). */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, SegRecipe recipe, Path out, ProgressBar bar)
            throws IOException {
        return train(model, config, sampler, recipe, out, bar, false, MetricsLoggers.DEFAULT);
    }

    /**
     * As above; with {@code resume} and a checkpoint in {@code out}, continues that run's step
     * budget: weights (C3R's too), Adam's moments and the running loss are restored and the
     * patches continue at the checkpoint's step, so the result equals an uninterrupted run with
     * the same seed (on the CPU, same thread count). Without a checkpoint in {@code out} it starts
     * fresh. Metric files per {@code loggers} are written into {@code out}.
     */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, SegRecipe recipe, Path out, ProgressBar bar,
                               boolean resume, MetricsLoggers loggers) throws IOException {
        if (out != null && !resume && SegCheckpoint.exists(out)) {
            throw new UserInputException(out + " already holds a seg-train checkpoint; continue it with --resume, or give a "
                    + "fresh --out (results are never overwritten)");
        }
        if (resume && !SegCheckpoint.exists(out)) LOG.info("seg-train: no checkpoint in {} to resume from; starting fresh", out);
        long t0 = System.nanoTime();
        TimeLimit limit = new TimeLimit(recipe.timeLimitSeconds(), "seg-train");
        Trainer trainer = new Trainer(trainConfig(recipe, out, resume)).addListener(limit);
        if (bar != null) trainer.addListener(bar);
        try (SegTask task = new SegTask(model, config, sampler, recipe, out, loggers)) {
            LOG.info("seg-train: {} steps, batch {}, patch {}, {} parameters{}", recipe.steps(), recipe.batchSize(),
                    Arrays.toString(config.patch()), model.parameterCount(), recipe.c3r() == null ? "" : ", C3R");
            trainer.fit(task);
            double loss = task.readRunning();
            return new Result(task.done(), loss, (System.nanoTime() - t0) / 1e9, task.lossCurve(), limit.reached());
        } finally {
            model.setTraining(false);
        }
    }

    /** The trainer's settings of {@code recipe}: its optimizer and schedule, a step budget, no clipping or early stopping. */
    static TrainConfig trainConfig(SegRecipe recipe, Path out, boolean resume) {
        int perEpoch = recipe.checkpointEvery() > 0 ? Math.min(recipe.checkpointEvery(), recipe.steps()) : recipe.steps();
        int epochs = (recipe.steps() + perEpoch - 1) / perEpoch;
        return TrainConfig.defaults(epochs, recipe.seed()).withBatchSize(recipe.batchSize()).withOptimizer(recipe.optimizer())
                .withSchedule(recipe.schedule()).withDevice(recipe.device()).withCheckpoints(out, resume).withStepBudget(recipe.steps());
    }
}
