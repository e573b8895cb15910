package dev.causalmm.train.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import dev.causalmm.train.EpochMetrics;
import dev.causalmm.train.NonFiniteLossException;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.OptionalInt;
import java.util.SequencedMap;

/**
 * Writes a {@link dev.causalmm.train.Trainer} run's {@link MetricsLog} into {@code dir}: one row per
 * epoch (counted from 1) at step = optimizer steps so far ({@code epoch × steps per epoch}), with
 * {@code train/loss}, {@code train/acc}, {@code val/loss}, {@code val/acc}, {@code lr}, one
 * {@code reg/<term>} per regulariser term, and {@code samples_per_sec}.
 *
 * <p>The files open at the first epoch (or at the end of a run with nothing left to train), once
 * {@link #onResume} has said whether the run continues a checkpoint: then the rows after it are
 * dropped, else the files start over. {@code hparams.yaml} holds the caller's description of the
 * run plus the trainer's settings under {@code trainer}.
 */
public final class MetricsListener implements TrainingListener, AutoCloseable {
    private final Path dir;
    private final MetricsLoggers loggers;
    private final ObjectNode hparams;
    private TrainConfig config;
    private int stepsPerEpoch;
    private long resumeStep = -1;
    private MetricsLog log;

    /** @param hparams what the caller knows of the run (model, regulariser, data…); may be null */
    public MetricsListener(Path dir, MetricsLoggers loggers, ObjectNode hparams) {
        this.dir = dir;
        this.loggers = loggers;
        this.hparams = hparams == null ? Json.object() : hparams.deepCopy();
    }

    @Override
    public void onTrainStart(TrainConfig config, int stepsPerEpoch) {
        close();
        this.config = config;
        this.stepsPerEpoch = stepsPerEpoch;
        this.resumeStep = -1;
    }

    @Override
    public void onResume(int epoch, Path checkpoint) {
        resumeStep = (long) epoch * stepsPerEpoch;
    }

    @Override
    public void onEpochStart(int epoch, int epochs) {
        open();
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        open().log(row(m, stepsPerEpoch, MetricsRow.now()));
    }

    @Override
    public void onNonFiniteLoss(NonFiniteLossException e) {
        close();
    }

    @Override
    public void onTrainEnd(TrainResult result) {
        open();
        close();
    }

    /** The row of one epoch. */
    static MetricsRow row(EpochMetrics m, int stepsPerEpoch, double wallTime) {
        SequencedMap<String, Double> v = new LinkedHashMap<>();
        v.put("train/loss", m.trainLoss());
        v.put("train/acc", m.trainAccuracy());
        v.put("val/loss", m.valLoss());
        v.put("val/acc", m.valAccuracy());
        v.put("lr", m.learningRate());
        new java.util.TreeMap<>(m.terms()).forEach((k, x) -> v.put("reg/" + k, x)); // sorted: the same columns in every JVM
        v.put("samples_per_sec", m.samplesPerSecond());
        // epochs count from 1 here, as in results.json and the log lines
        return new MetricsRow((long) (m.epoch() + 1) * stepsPerEpoch, OptionalInt.of(m.epoch() + 1), v, wallTime);
    }

    private MetricsLog open() {
        if (log != null) return log;
        if (config == null) throw new IllegalStateException("MetricsListener: a training event before onTrainStart");
        ObjectNode hp = hparams.deepCopy();
        hp.set("trainer", trainerSettings(config, stepsPerEpoch));
        hp.put("loggers", loggers.toString());
        try {
            log = MetricsLog.open(dir, loggers, hp, resumeStep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metric files in " + dir + ": " + dev.causalmm.io.AtomicFiles.describe(e), e);
        }
        return log;
    }

    /** The trainer's settings for {@code hparams.yaml} (the checkpoint folder itself is left out: it is where the file is). */
    static ObjectNode trainerSettings(TrainConfig c, int stepsPerEpoch) {
        ObjectNode t = Json.object();
        t.put("epochs", c.epochs());
        t.put("batchSize", c.batchSize());
        t.put("stepsPerEpoch", stepsPerEpoch);
        t.set("optimizer", Json.MAPPER.valueToTree(c.optimizer()));
        ObjectNode schedule = t.putObject("schedule");
        schedule.put("kind", c.schedule().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        schedule.setAll((ObjectNode) Json.MAPPER.valueToTree(c.schedule()));
        t.put("earlyStopPatience", c.earlyStopPatience());
        t.put("gradClipNorm", c.gradClipNorm());
        t.put("seed", c.seed());
        t.put("device", c.device().toString());
        t.put("precision", c.precision().name().toLowerCase(java.util.Locale.ROOT));
        t.put("restoreBest", c.restoreBest());
        return t;
    }

    @Override
    public void close() {
        if (log == null) return;
        try {
            log.close();
        } finally {
            log = null;
        }
    }
}
