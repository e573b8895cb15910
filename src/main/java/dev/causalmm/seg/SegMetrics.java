package dev.causalmm.seg;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.train.metrics.MetricsLog;
import dev.causalmm.train.metrics.MetricsLoggers;
import dev.causalmm.train.metrics.MetricsRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.OptionalInt;
import java.util.SequencedMap;

/**
 * seg-train's {@link MetricsLog} in its checkpoint folder: one row per log step with
 * {@code train/loss} (the running loss the log line shows), {@code lr}, C3R's {@code reg/c3.risk},
 * {@code reg/c3.L_v} and {@code reg/c3.L_fe} at that step when C3R is on, LCKD's unweighted
 * {@code reg/lckd.kd} when LCKD is on, and {@code samples_per_sec}
 * (patches per second since the previous row). Segmentation has no epochs: rows have no epoch.
 */
final class SegMetrics implements AutoCloseable {
    private final MetricsLog log;
    private final int batchSize;
    private int lastStep;
    private long lastTime = System.nanoTime();

    private SegMetrics(MetricsLog log, int batchSize, int startStep) {
        this.log = log;
        this.batchSize = batchSize;
        this.lastStep = startStep;
    }

    /**
     * Opens the files in {@code out} (none when {@code out} is null): fresh when {@code startStep} is 0,
     * else keeping the rows up to the resumed step.
     */
    static SegMetrics open(Path out, MetricsLoggers loggers, ObjectNode hparams, int batchSize, int startStep) {
        try {
            MetricsLog log = MetricsLog.open(out, out == null ? MetricsLoggers.NONE : loggers, hparams, startStep == 0 ? -1 : startStep);
            return new SegMetrics(log, batchSize, startStep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metric files in " + out + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The run's description for {@code hparams.yaml}: the model (as config.json has it), the seed and the training settings. */
    static ObjectNode hparams(SegModelConfig config, SegRecipe s, ObjectNode recipe) {
        ObjectNode hp = Json.object();
        hp.put("command", "seg-train");
        hp.put("seed", s.seed());
        hp.set("model", config.toJson());
        ObjectNode t = hp.putObject("training");
        t.put("steps", s.steps());
        t.put("batchSize", s.batchSize());
        t.put("logEvery", s.logInterval());
        t.put("checkpointEvery", s.checkpointEvery());
        t.put("timeLimitSeconds", s.timeLimitSeconds());
        t.put("device", s.device().toString());
        t.setAll(recipe);
        return hp;
    }

    /** Writes the row of step {@code done} (1-based: optimizer steps taken). */
    void log(int done, double runningLoss, double lr, double[] c3rTerms, double lckdKd) {
        long now = System.nanoTime();
        SequencedMap<String, Double> v = new LinkedHashMap<>();
        v.put("train/loss", runningLoss);
        v.put("lr", lr);
        if (c3rTerms != null) {
            v.put("reg/c3.risk", c3rTerms[0]);
            v.put("reg/c3.L_v", c3rTerms[1]);
            v.put("reg/c3.L_fe", c3rTerms[2]);
        }
        if (!Double.isNaN(lckdKd)) v.put("reg/lckd.kd", lckdKd);
        double seconds = (now - lastTime) / 1e9;
        v.put("samples_per_sec", seconds > 0 ? (double) (done - lastStep) * batchSize / seconds : Double.NaN);
        log.log(new MetricsRow(done, OptionalInt.empty(), v, MetricsRow.now()));
        lastStep = done;
        lastTime = now;
    }

    @Override
    public void close() {
        log.close();
    }
}
