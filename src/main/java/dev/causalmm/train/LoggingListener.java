package dev.causalmm.train;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs one line per epoch through SLF4J. */
public final class LoggingListener implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger("causalmm.train");
    private final String label;
    private int epochs;

    public LoggingListener(String label) {
        this.label = label;
    }

    @Override
    public void onResume(int epoch, Path checkpoint) {
        LOG.info("{}", resumeMessage(label, epoch, epochs, checkpoint));
    }

    @Override
    public void onTrainStart(TrainConfig config, int stepsPerEpoch) {
        epochs = config.epochs();
    }

    /** "resuming from epoch N" (N 1-based), or that every epoch is already trained. */
    static String resumeMessage(String label, int nextEpoch, int epochs, Path checkpoint) {
        return nextEpoch >= epochs && epochs > 0
                ? label + ": all " + epochs + " epochs already trained (" + checkpoint + "); evaluating"
                : label + ": resuming from epoch " + (nextEpoch + 1) + (epochs > 0 ? " of " + epochs : "") + " (" + checkpoint + ")";
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        LOG.info("{} epoch {}: train loss {} acc {} | val loss {} acc {} | lr {} | {} samples/s{}", label, m.epoch() + 1,
                fmt(m.trainLoss()), fmt(m.trainAccuracy()), fmt(m.valLoss()), fmt(m.valAccuracy()),
                String.format("%.2e", m.learningRate()), Math.round(m.samplesPerSecond()),
                m.terms().isEmpty() ? "" : " " + m.terms());
    }

    @Override
    public void onTrainEnd(TrainResult r) {
        LOG.info("{} done: {} epochs in {} s, best epoch {}{}", label, r.history().size(), String.format("%.1f", r.seconds()),
                r.bestEpoch() + 1, r.stoppedEarly() ? " (early stop)" : "");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.4f", v);
    }
}
