package dev.causalmm.seg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.io.Json;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.NonFiniteLossException;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segmentation training loop: a fixed budget of Adam steps on patches from a
 * {@link PatchSampler}, soft Dice + BCE (+ C3R when configured), a progress bar, a log line every
 * {@code logEvery} steps (also a row of the metric files, {@link SegMetrics}) and an atomic checkpoint every
 * {@code checkpointEvery} steps and at the end.
 *
 * <p>Why not {@code train.Trainer}: that loop is built around epochs over a {@code DataLoader} of
 * classification batches (integer labels, {@code MultimodalModel}, accuracy-based validation and
 * early stopping). Segmentation trains on an endless stream of random patches with a step budget
 * and dense region targets; only the progress bar and the checkpoint format are shared.
 */
public final class SegTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SegTrainer.class);

    /**
     * @param steps           optimizer steps
     * @param batchSize       patches per step
     * @param learningRate    Adam's rate (decayed linearly to 10 % over the steps)
     * @param weightDecay     Adam's L2 weight decay
     * @param timeLimitSeconds stop early (with a warning) after this long; 0 = no limit
     * @param logEvery        steps between log lines
     * @param checkpointEvery steps between checkpoints (0 = only at the end)
     * @param c3r             C3R settings, or null for the plain loss
     * @param c3rVoxels       voxels per volume C3R's twin terms use
     * @param device          where to train
     */
    public record Settings(int steps, int batchSize, double learningRate, double weightDecay, double timeLimitSeconds,
                           int logEvery, int checkpointEvery, C3RConfig c3r, int c3rVoxels, Device device) {
        public Settings {
            if (steps <= 0) throw new IllegalArgumentException("steps must be > 0, got " + steps);
            if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            if (!(timeLimitSeconds >= 0)) throw new IllegalArgumentException("time limit must be >= 0, got " + timeLimitSeconds);
            if (logEvery <= 0) logEvery = Math.max(1, steps / 20);
            if (device == null) device = Device.CPU;
        }
    }

    /** What a run did: steps taken, final running loss, seconds, and the loss every {@code logEvery} steps. */
    public record Result(int steps, double finalLoss, double seconds, List<Double> lossCurve, boolean stoppedByTimeLimit) {}

    private SegTrainer() {}

    /**
     * Trains {@code model} (already on {@code settings.device()}) in place and writes checkpoints to
     * {@code out} (skipped when null).
     */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, Settings settings, long seed,
                               Path out, ProgressBar bar) throws IOException {
        return train(model, config, sampler, settings, seed, out, bar, false);
    }

    /**
     * As {@link #train(UNet3d, SegModelConfig, PatchSampler, Settings, long, Path, ProgressBar)}; with
     * {@code resume} and a checkpoint in {@code out}, continues that run's step budget: weights (C3R's
     * too) and Adam's moments are restored ({@link SegCheckpoint#restore}), and the sampler's (and
     * C3R's voxel) random streams are replayed past the steps already taken, so the result equals an
     * uninterrupted run with the same seed (on the CPU, same thread count). Without a checkpoint in
     * {@code out} it starts fresh.
     */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, Settings settings, long seed,
                               Path out, ProgressBar bar, boolean resume) throws IOException {
        return train(model, config, sampler, settings, seed, out, bar, resume, MetricsLoggers.DEFAULT);
    }

    /**
     * As {@link #train(UNet3d, SegModelConfig, PatchSampler, Settings, long, Path, ProgressBar, boolean)},
     * writing metric files per {@code loggers} into {@code out}: a row per log step ({@link SegMetrics}).
     */
    public static Result train(UNet3d model, SegModelConfig config, PatchSampler sampler, Settings settings, long seed,
                               Path out, ProgressBar bar, boolean resume, MetricsLoggers loggers) throws IOException {
        SegC3R c3r = settings.c3r() == null ? null : new SegC3R(settings.c3r(), model, settings.c3rVoxels(), seed);
        if (c3r != null) c3r.to(settings.device());
        List<Tensor> params = new ArrayList<>(model.parameters());
        if (c3r != null) params.addAll(c3r.parameters());
        java.util.Map<String, Tensor> named = new java.util.LinkedHashMap<>(model.namedParameters());
        if (c3r != null) c3r.namedParameters().forEach((k, v) -> named.put("c3r." + k, v));
        Optimizer.Settings os = new Optimizer.Settings(Optimizer.Kind.ADAM, settings.learningRate(), settings.weightDecay(),
                0.9, 0.999, 1e-8, 0);
        long t0 = System.nanoTime();
        List<Double> curve = new ArrayList<>();
        double running = Double.NaN;
        int done = 0;
        boolean timedOut = false;
        model.setTraining(true);
        if (bar != null) bar.onEpochStart(0, 1);
        LOG.info("seg-train: {} steps, batch {}, patch {}, {} parameters{}", settings.steps(), settings.batchSize(),
                java.util.Arrays.toString(config.patch()), model.parameterCount(), c3r == null ? "" : ", C3R");
        try (Optimizer opt = new Optimizer(os, params)) {
            int start = 0;
            ObjectNode recipe = recipe(settings, sampler.settings());
            if (out != null && !resume && SegCheckpoint.exists(out)) {
                throw new IllegalArgumentException(out + " already holds a seg-train checkpoint; continue it with --resume, or give a "
                        + "fresh --out (results are never overwritten)");
            }
            if (resume && SegCheckpoint.exists(out)) {
                SegCheckpoint.ResumePoint rp = SegCheckpoint.restore(out, config, named, opt, settings.steps(), settings.batchSize(), seed,
                        recipe);
                if (rp.step() > settings.steps()) {
                    throw new IllegalArgumentException("cannot resume from " + out + ": it is already at step " + rp.step()
                            + ", past this run's --steps " + settings.steps());
                }
                start = rp.step();
                running = rp.runningLoss();
                done = start;
                for (int s = 0; s < start; s++) {
                    PatchSampler.Batch skipped = sampler.next(settings.batchSize());
                    if (c3r != null) c3r.skipStep(skipped.patch());
                }
                LOG.info("seg-train: resumed from {} at step {} of {}", out, start, settings.steps());
            } else if (resume) {
                LOG.info("seg-train: no checkpoint in {} to resume from; starting fresh", out);
            }
            // The running loss stays on the device (float64) and is read back only to log, to
            // checkpoint, or when the progress bar redraws: no host sync per step. A non-finite loss
            // is therefore noticed at the next read, before anything is written.
            Tensor runningT = Double.isNaN(running) ? null : Tensor.full(running, DType.FLOAT64, settings.device()).unscoped();
            try (SegMetrics metrics = SegMetrics.open(out, loggers, SegMetrics.hparams(config, settings, recipe, seed), settings.batchSize(), start)) {
                for (int step = start; step < settings.steps(); step++) {
                    PatchSampler.Batch batch = sampler.next(settings.batchSize());
                    double[] c3rTerms = null;
                    try (var scope = TensorScope.open("seg-step")) {
                        Tensor x = Tensor.of(batch.x(), batch.inputShape()).to(settings.device());
                        Tensor m = Tensor.of(batch.mask(), batch.size(), batch.modalities()).to(settings.device());
                        Tensor y = Tensor.of(batch.y(), batch.targetShape()).to(settings.device());
                        UNet3d.Output o = model.forward(x, m);
                        Tensor loss = SegLoss.diceBce(o.logits(), y);
                        if (c3r != null) {
                            SegC3R.Terms t = c3r.compute(model, o, y, m);
                            loss = loss.add(t.total());
                            c3rTerms = new double[] {t.risk(), t.lv(), t.lfe()};
                        }
                        Tensor l64 = loss.detach().to(DType.FLOAT64);
                        Tensor next = runningT == null ? l64 : runningT.mul(0.9).add(l64, 0.1);
                        if (runningT != null) runningT.close();
                        runningT = next.unscoped();
                        loss.backward();
                        opt.setLearningRate(settings.learningRate() * (1 - 0.9 * step / (double) settings.steps()));
                        opt.step();
                        opt.zeroGrad();
                    }
                    done = step + 1;
                    boolean log = done % settings.logEvery() == 0 || done == settings.steps();
                    boolean save = out != null && settings.checkpointEvery() > 0 && done % settings.checkpointEvery() == 0 && done < settings.steps();
                    if (log || save) {
                        running = runningT.item();
                        if (!Double.isFinite(running)) {
                            throw new NonFiniteLossException(0, step, settings.steps(), running, opt.learningRate(), seed);
                        }
                    }
                    final Tensor shownT = runningT;
                    if (bar != null) bar.onBatchEnd(0, step, settings.steps(), (long) done * settings.batchSize(), shownT::item);
                    if (log) {
                        curve.add(running);
                        metrics.log(done, running, opt.learningRate(), c3rTerms);
                        if (c3rTerms != null) {
                            LOG.info("step {}/{} loss {} (C3R risk {} L_v {} L_fe {}) {} s", done, settings.steps(), fmt(running),
                                    fmt(c3rTerms[0]), fmt(c3rTerms[1]), fmt(c3rTerms[2]), fmt((System.nanoTime() - t0) / 1e9));
                        } else {
                            LOG.info("step {}/{} loss {} {} s", done, settings.steps(), fmt(running), fmt((System.nanoTime() - t0) / 1e9));
                        }
                    }
                    if (save) SegCheckpoint.write(out, config, named, opt.saveState(), state(done, running, settings, seed, recipe));
                    if (settings.timeLimitSeconds() > 0 && (System.nanoTime() - t0) / 1e9 > settings.timeLimitSeconds() && done < settings.steps()) {
                        LOG.warn("seg-train: time limit of {} s reached after {} of {} steps; stopping early", settings.timeLimitSeconds(),
                                done, settings.steps());
                        timedOut = true;
                        break;
                    }
                }
                if (runningT != null) {
                    running = runningT.item();
                    if (!Double.isFinite(running)) {
                        throw new NonFiniteLossException(0, done - 1, settings.steps(), running, opt.learningRate(), seed);
                    }
                }
            } finally {
                if (runningT != null) runningT.close();
            }
            if (out != null) SegCheckpoint.write(out, config, named, opt.saveState(), state(done, running, settings, seed, recipe));
        } finally {
            if (c3r != null) c3r.close();
        }
        model.setTraining(false);
        return new Result(done, running, (System.nanoTime() - t0) / 1e9, List.copyOf(curve), timedOut);
    }

    /**
     * The settings a resumed run must share with the run it continues (besides the network, seed,
     * patch and batch size, checked separately): they shape the patch stream, C3R's draws and the
     * optimizer's trajectory.
     */
    static ObjectNode recipe(Settings settings, PatchSampler.Settings sampling) {
        ObjectNode r = Json.object();
        r.put("foreground", sampling.foregroundFraction());
        r.put("flips", sampling.flips());
        r.put("modalityDropout", sampling.modalityDropout());
        r.put("intensityScale", sampling.intensityScale());
        r.put("regularizer", settings.c3r() == null ? "none" : "c3r");
        r.put("c3rVoxels", settings.c3r() == null ? 0 : settings.c3rVoxels());
        r.put("learningRate", settings.learningRate());
        r.put("weightDecay", settings.weightDecay());
        return r;
    }

    private static ObjectNode state(int step, double loss, Settings settings, long seed, ObjectNode recipe) {
        ObjectNode s = Json.object();
        s.set("recipe", recipe);
        s.put("step", step);
        Json.putNumber(s, "loss", loss);
        s.put("steps", settings.steps());
        s.put("batchSize", settings.batchSize());
        s.put("seed", seed);
        return s;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
