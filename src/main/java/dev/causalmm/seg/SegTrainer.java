package dev.causalmm.seg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.Json;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.LrScheduler;
import dev.causalmm.train.NonFiniteLossException;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segmentation step budget: {@link SegRecipe#steps()} Adam steps on patches drawn per
 * (seed, step, slot) by a {@link PatchSampler} and loaded through {@code data.DataLoader}
 * ({@link PatchDataset}), soft Dice + BCE (+ C3R when configured), the
 * learning rate an {@link LrScheduler} over steps ({@link SegRecipe#schedule()}), a progress bar, a
 * log line every {@link SegRecipe#logInterval()} steps (also a row of the metric files,
 * {@link SegMetrics}) and an atomic checkpoint every {@link SegRecipe#checkpointEvery()} steps and
 * at the end. The running loss and C3R's terms stay on the device and are read back only to log or
 * checkpoint. Resume is O(1): the patches and C3R's voxels of step s are known without drawing the
 * steps before it.
 */
public final class SegTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SegTrainer.class);
    /** Steps of patches drawn ahead of the training step. */
    private static final int PREFETCH = 2;

    /** What a run did: steps taken, final running loss, seconds, and the loss every log step. */
    public record Result(int steps, double finalLoss, double seconds, List<Double> lossCurve, boolean stoppedByTimeLimit) {}

    private SegTrainer() {}

    /** Trains {@code model} (already on {@code recipe.device()}) in place; checkpoints go to {@code out} (none when null). */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, SegRecipe recipe, Path out, ProgressBar bar)
            throws IOException {
        return train(model, config, sampler, recipe, out, bar, false, MetricsLoggers.DEFAULT);
    }

    /**
     * As above; with {@code resume} and a checkpoint in {@code out}, continues that run's step
     * budget: weights (C3R's too) and Adam's moments are restored ({@link SegCheckpoint#restore}) and
     * the patches continue at the checkpoint's step, so the result equals an uninterrupted run with
     * the same seed (on the CPU, same thread count). Without a checkpoint in {@code out} it starts
     * fresh. Metric files per {@code loggers} are written into {@code out}.
     */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, SegRecipe recipe, Path out, ProgressBar bar,
                               boolean resume, MetricsLoggers loggers) throws IOException {
        try (SegC3R c3r = recipe.c3r() == null ? null : new SegC3R(recipe.c3r(), model, recipe.c3rVoxels(), recipe.seed())) {
            if (c3r != null) c3r.to(recipe.device());
            Map<String, Tensor> named = new LinkedHashMap<>(model.namedParameters());
            if (c3r != null) c3r.namedParameters().forEach((k, v) -> named.put("c3r." + k, v));
            try (Optimizer opt = new Optimizer(recipe.optimizer(), new ArrayList<>(named.values()))) {
                Run run = new Run(model, config, sampler, recipe, c3r, named, opt, out);
                LOG.info("seg-train: {} steps, batch {}, patch {}, {} parameters{}", recipe.steps(), recipe.batchSize(),
                        java.util.Arrays.toString(config.patch()), model.parameterCount(), c3r == null ? "" : ", C3R");
                return run.train(resume, bar, loggers);
            } finally {
                model.setTraining(false);
            }
        }
    }

    /** One call of {@link #train}: its pieces and the running state of the step loop. */
    private static final class Run {
        private final UNet3d model;
        private final SegModelConfig config;
        private final PatchSampler sampler;
        private final SegRecipe recipe;
        private final SegC3R c3r;
        private final Map<String, Tensor> named;
        private final Optimizer opt;
        private final Path out;
        private final ObjectNode identity;
        private final LrScheduler schedule;
        private final List<Double> curve = new ArrayList<>();
        private final long t0 = System.nanoTime();
        /** The running loss (float64, on the device, outside every scope); null before the first step. */
        private Tensor running;
        private int done;

        Run(UNet3d model, SegModelConfig config, PatchSampler sampler, SegRecipe recipe, SegC3R c3r, Map<String, Tensor> named,
            Optimizer opt, Path out) {
            this.model = model;
            this.config = config;
            this.sampler = sampler;
            this.recipe = recipe;
            this.c3r = c3r;
            this.named = named;
            this.opt = opt;
            this.out = out;
            this.identity = recipe.identity(sampler.settings());
            this.schedule = new LrScheduler(recipe.schedule(), recipe.learningRate(), recipe.steps());
        }

        Result train(boolean resume, ProgressBar bar, MetricsLoggers loggers) throws IOException {
            done = start(resume);
            model.setTraining(true);
            if (bar != null) bar.onEpochStart(0, 1);
            boolean timedOut = false;
            try (SegMetrics metrics = SegMetrics.open(out, loggers, SegMetrics.hparams(config, recipe, identity), recipe.batchSize(), done);
                 var batches = done < recipe.steps() ? patches(done).epoch(0) : null) {
                while (done < recipe.steps() && !timedOut) {
                    boolean log = (done + 1) % recipe.logInterval() == 0 || done + 1 == recipe.steps();
                    double[] terms = step(batches, done, log);
                    done++;
                    afterStep(log, terms, metrics, bar);
                    timedOut = timeLimitReached();
                }
                double loss = readRunning();
                if (out != null) SegCheckpoint.write(out, config, named, opt.saveState(), state(loss));
                return new Result(done, loss, (System.nanoTime() - t0) / 1e9, List.copyOf(curve), timedOut);
            } finally {
                if (running != null) running.close();
            }
        }

        /** The first step to take: 0, or the checkpoint's step when resuming (whose running loss is restored too). */
        private int start(boolean resume) throws IOException {
            if (out != null && !resume && SegCheckpoint.exists(out)) {
                throw new IllegalArgumentException(out + " already holds a seg-train checkpoint; continue it with --resume, or give a "
                        + "fresh --out (results are never overwritten)");
            }
            if (!resume || !SegCheckpoint.exists(out)) {
                if (resume) LOG.info("seg-train: no checkpoint in {} to resume from; starting fresh", out);
                return 0;
            }
            SegCheckpoint.ResumePoint rp = SegCheckpoint.restore(out, config, named, opt, recipe.steps(), recipe.batchSize(), recipe.seed(),
                    identity);
            if (rp.step() > recipe.steps()) {
                throw new IllegalArgumentException("cannot resume from " + out + ": it is already at step " + rp.step()
                        + ", past this run's --steps " + recipe.steps());
            }
            if (!Double.isNaN(rp.runningLoss())) running = Tensor.full(rp.runningLoss(), DType.FLOAT64, recipe.device()).unscoped();
            LOG.info("seg-train: resumed from {} at step {} of {}", out, rp.step(), recipe.steps());
            return rp.step();
        }

        /**
         * The patches of steps {@code first} to the end of the budget, through a {@link DataLoader}: drawn on its
         * virtual threads, a few steps ahead, into its (on CUDA pinned) batch buffers.
         */
        private DataLoader patches(int first) {
            PatchDataset data = new PatchDataset(sampler, first, recipe.steps() - first, recipe.batchSize());
            return new DataLoader(data, new DataLoader.Options(recipe.batchSize(), false, false, PREFETCH, recipe.seed(), recipe.device()));
        }

        /** One optimizer step on the next batch (the patches of {@code step}); returns C3R's terms (read back) when {@code log}, else null. */
        private double[] step(DataLoader.Epoch batches, int step, boolean log) {
            try (var scope = TensorScope.open("seg-step"); Batch batch = batches.next()) {
                Tensor x = batch.inputs().get(PatchDataset.IMAGE);
                Tensor m = batch.inputs().get(PatchDataset.AVAILABILITY);
                Tensor y = batch.inputs().get(PatchDataset.TARGETS);
                UNet3d.Output o = model.forward(x, m);
                Tensor loss = SegLoss.diceBce(o.logits(), y);
                SegC3R.Terms t = c3r == null ? null : c3r.compute(model, o, y, m, step);
                if (t != null) loss = loss.add(t.total());
                Tensor l64 = loss.detach().to(DType.FLOAT64);
                Tensor next = running == null ? l64 : running.mul(0.9).add(l64, 0.1);
                if (running != null) running.close();
                running = next.unscoped();
                loss.backward();
                opt.setLearningRate(schedule.rateFor(step));
                opt.step();
                opt.zeroGrad();
                return log && t != null ? t.parts().to(DType.FLOAT64).toDoubleArray() : null;
            }
        }

        /** Progress, and on log or checkpoint steps: the running loss read back (refused when non-finite), a log row, a checkpoint. */
        private void afterStep(boolean log, double[] terms, SegMetrics metrics, ProgressBar bar) throws IOException {
            boolean save = out != null && recipe.checkpointEvery() > 0 && done % recipe.checkpointEvery() == 0 && done < recipe.steps();
            final Tensor shown = running;
            if (bar != null) bar.onBatchEnd(0, done - 1, recipe.steps(), (long) done * recipe.batchSize(), shown::item);
            if (!log && !save) return;
            double loss = readRunning();
            if (log) {
                curve.add(loss);
                metrics.log(done, loss, opt.learningRate(), terms);
                String c3rPart = terms == null ? "" : " (C3R risk " + fmt(terms[0]) + " L_v " + fmt(terms[1]) + " L_fe " + fmt(terms[2]) + ")";
                LOG.info("step {}/{} loss {}{} {} s", done, recipe.steps(), fmt(loss), c3rPart, fmt((System.nanoTime() - t0) / 1e9));
            }
            if (save) SegCheckpoint.write(out, config, named, opt.saveState(), state(loss));
        }

        /** The running loss, read back; a non-finite one stops the run before anything is written. */
        private double readRunning() {
            if (running == null) return Double.NaN;
            double loss = running.item();
            if (!Double.isFinite(loss)) throw new NonFiniteLossException(0, done - 1, recipe.steps(), loss, opt.learningRate(), recipe.seed());
            return loss;
        }

        private boolean timeLimitReached() {
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (recipe.timeLimitSeconds() <= 0 || seconds <= recipe.timeLimitSeconds() || done >= recipe.steps()) return false;
            LOG.warn("seg-train: time limit of {} s reached after {} of {} steps; stopping early", recipe.timeLimitSeconds(), done,
                    recipe.steps());
            return true;
        }

        private ObjectNode state(double loss) {
            ObjectNode s = Json.object();
            s.set("recipe", identity);
            s.put("step", done);
            Json.putNumber(s, "loss", loss);
            s.put("steps", recipe.steps());
            s.put("batchSize", recipe.batchSize());
            s.put("seed", recipe.seed());
            return s;
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
