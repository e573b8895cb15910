package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Tensor;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.train.Checkpoint;
import dev.causalmm.train.Checkpoints;
import dev.causalmm.train.NonFiniteLossException;
import dev.causalmm.train.TrainerState;
import dev.causalmm.train.TrainingTask;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segmentation as a {@link TrainingTask}: each {@link SegRecipe#checkpointEvery()} steps are an
 * "epoch" whose patches come through a {@link DataLoader} from a {@link PatchDataset} starting at
 * that epoch's (or the resumed) step; the loss is soft Dice + BCE (+ C3R's terms, + LCKD's weighted
 * distillation, when configured; LCKD's elections follow their steps, see {@link SegLckd});
 * the schedule counts steps. The running loss (an exponential average, on the device) and C3R's
 * terms are read back on log steps only, where a row of the metric files ({@link SegMetrics}) and a
 * log line are written; checkpoints are {@link SegCheckpoint} folders whose state is a
 * {@link TrainerState} with this task's fields (the recipe identity, the running loss).
 */
final class SegTask implements TrainingTask, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegTrainer.class);
    /** Steps of patches drawn ahead of the training step. */
    private static final int PREFETCH = 2;
    /** LCKD's elected teachers and elections, written into the checkpoint folder after each election. */
    static final String LCKD_FILE = "lckd.json";

    private final UNet3d model;
    private final SegModelConfig config;
    private final PatchSampler sampler;
    private final SegRecipe recipe;
    private final SegC3R c3r;
    private final SegLckd lckd;
    private final Map<String, Tensor> named = new LinkedHashMap<>();
    private final Path out;
    private final MetricsLoggers loggers;
    private final ObjectNode identity;
    private final List<Double> curve = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private SegMetrics metrics;
    /** The running loss (float64, on the device, outside every scope); null before the first step. */
    private Tensor running;
    /** C3R's terms of the current step, read back on a log step only. */
    private double[] terms;
    /** LCKD's unweighted distillation of the current step, read back on a log step only (NaN otherwise). */
    private double kd = Double.NaN;
    private double lr;
    private int done;

    /** Builds C3R's module (when the recipe has one) on the recipe's device, beside {@code model} (already there). */
    SegTask(UNet3d model, SegModelConfig config, PatchSampler sampler, SegRecipe recipe, Path out, MetricsLoggers loggers) {
        this.model = model;
        this.config = config;
        this.sampler = sampler;
        this.recipe = recipe;
        this.out = out;
        this.loggers = loggers;
        this.identity = recipe.identity(sampler.settings());
        this.c3r = recipe.c3r() == null ? null : new SegC3R(recipe.c3r(), model, recipe.c3rVoxels(), recipe.seed());
        if (c3r != null) c3r.to(recipe.device());
        this.lckd = recipe.lckd() == null ? null : new SegLckd(recipe.lckd(), model.config(), config.modalities(), sampler, recipe.seed());
        named.putAll(model.namedParameters());
        if (c3r != null) c3r.namedParameters().forEach((k, v) -> named.put("c3r." + k, v));
        this.lr = recipe.learningRate();
    }

    @Override
    public Map<String, Tensor> parameters() {
        return named;
    }

    /** Steps between checkpoints; the whole budget when checkpoints are written only at the end. */
    @Override
    public int stepsPerEpoch() {
        return recipe.checkpointEvery() > 0 ? Math.min(recipe.checkpointEvery(), recipe.steps()) : recipe.steps();
    }

    /**
     * The patches of the epoch's steps {@code firstStep} to {@code steps}, through a {@link DataLoader}:
     * drawn on its virtual threads, a few steps ahead, into its (on CUDA pinned) batch buffers.
     */
    @Override
    public DataLoader.Epoch batches(int epoch, int firstStep, int steps) {
        long start = (long) epoch * stepsPerEpoch() + firstStep;
        PatchDataset data = new PatchDataset(sampler, start, steps - firstStep, recipe.batchSize());
        return new DataLoader(data, new DataLoader.Options(recipe.batchSize(), false, false, PREFETCH, recipe.seed(), recipe.device()))
                .epoch(0);
    }

    @Override
    public void startEpoch(int epoch) {
        model.setTraining(true);
    }

    /** Loss of the patches of {@code step}; updates the running loss on the device; reads C3R's terms back on a log step. */
    @Override
    public Step forward(Batch batch, int epoch, long step) {
        Tensor x = batch.inputs().get(PatchDataset.IMAGE);
        Tensor m = batch.inputs().get(PatchDataset.AVAILABILITY);
        Tensor y = batch.inputs().get(PatchDataset.TARGETS);
        UNet3d.Output o = model.forward(x, m);
        Tensor loss = SegLoss.diceBce(o.logits(), y);
        SegC3R.Terms t = c3r == null ? null : c3r.compute(model, o, y, m, (int) step);
        if (t != null) loss = loss.add(t.total());
        Tensor distil = lckd == null ? null : lckd.distillation(o, m);
        if (distil != null) loss = loss.add(distil.mul(recipe.lckd().weight()));
        kd = distil != null && logStep(step + 1) ? distil.item() : Double.NaN;
        Tensor l64 = loss.detach().to(DType.FLOAT64);
        Tensor next = running == null ? l64 : running.mul(0.9).add(l64, 0.1);
        if (running != null) running.close();
        running = next.unscoped();
        terms = logStep(step + 1) && t != null ? t.parts().to(DType.FLOAT64).toDoubleArray() : null;
        return new Step(loss, null, null, batch.size(), Map.of(), 1.0);
    }

    private boolean logStep(long done) {
        return done % recipe.logInterval() == 0 || done == recipe.steps();
    }

    /** On a log step: the running loss read back (refused when non-finite), a metric row and a log line. */
    @Override
    public void afterStep(long step, double rate) {
        done = (int) step + 1;
        lr = rate;
        if (lckd != null && lckd.electionDue(step)) elect(step);
        if (!logStep(done)) return;
        double loss = readRunning();
        curve.add(loss);
        metrics.log(done, loss, rate, terms, kd);
        String c3rPart = terms == null ? "" : " (C3R risk " + fmt(terms[0]) + " L_v " + fmt(terms[1]) + " L_fe " + fmt(terms[2]) + ")";
        String kdPart = Double.isNaN(kd) ? "" : " (LCKD distillation " + fmt(kd) + ")";
        LOG.info("step {}/{} loss {}{}{} {} s", done, recipe.steps(), fmt(loss), c3rPart, kdPart, fmt((System.nanoTime() - t0) / 1e9));
    }

    /** LCKD's election after {@code step}; the teachers so far go to {@code lckd.json} in the checkpoint folder. */
    private void elect(long step) {
        lckd.elect(model, step);
        if (out == null) return;
        try {
            AtomicFiles.writeString(out.resolve(LCKD_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(lckd.state()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve(LCKD_FILE) + ": " + AtomicFiles.describe(e), e);
        }
    }

    @Override
    public ScheduleUnit scheduleUnit() {
        return ScheduleUnit.STEP;
    }

    @Override
    public Checkpoints checkpoints() {
        return out == null ? null : SegCheckpoint.folder(out, config);
    }

    @Override
    public void beforeResume(Checkpoint checkpoint, Path file) {
        SegCheckpoint.checkResume(out, config, checkpoint, recipe, identity);
    }

    /** Restores the running loss the checkpoint read back. */
    @Override
    public void afterResume(TrainerState state, Path file) {
        JsonNode loss = state.task().get("loss");
        if (loss != null && loss.isNumber()) running = Tensor.full(loss.asDouble(), DType.FLOAT64, recipe.device()).unscoped();
        done = (int) state.step();
        if (lckd != null) lckd.restore(state.task().get("lckd"));
        LOG.info("seg-train: resumed from {} at step {} of {}", out, done, recipe.steps());
    }

    @Override
    public void onStart(long firstStep) {
        done = (int) firstStep;
        metrics = SegMetrics.open(out, loggers, SegMetrics.hparams(config, recipe, identity), recipe.batchSize(), done);
    }

    /** The checkpoint's own fields: the recipe identity, the running loss (read back), the step budget and batch size. */
    @Override
    public ObjectNode state() {
        ObjectNode s = Json.object();
        s.set("recipe", identity);
        Json.putNumber(s, "loss", readRunning());
        s.put("steps", recipe.steps());
        s.put("batchSize", recipe.batchSize());
        if (lckd != null) s.set("lckd", lckd.state());
        return s;
    }

    /** The running loss, read back; a non-finite one stops the run before anything is written. */
    double readRunning() {
        if (running == null) return Double.NaN;
        double loss = running.item();
        if (!Double.isFinite(loss)) throw new NonFiniteLossException(0, done - 1, recipe.steps(), loss, lr, recipe.seed());
        return loss;
    }

    int done() {
        return done;
    }

    List<Double> lossCurve() {
        return List.copyOf(curve);
    }

    @Override
    public void close() {
        try {
            if (metrics != null) metrics.close();
        } finally {
            if (running != null) running.close();
            if (c3r != null) c3r.close();
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
