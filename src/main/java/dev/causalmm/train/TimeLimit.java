package dev.causalmm.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Requests a stop once a run has trained longer than its time limit (counted from the start of training). */
public final class TimeLimit implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(TimeLimit.class);
    private final double seconds;
    private final String label;
    private long t0 = System.nanoTime();
    private boolean reached;
    private long steps;

    /** @param seconds the limit; 0 = none */
    public TimeLimit(double seconds, String label) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("time limit must be >= 0, got " + seconds);
        this.seconds = seconds;
        this.label = label;
    }

    @Override
    public void onTrainStart(TrainConfig config, int stepsPerEpoch) {
        t0 = System.nanoTime();
    }

    @Override
    public void onBatchEnd(int epoch, int step, int stepsInEpoch, long samplesSeen, java.util.function.DoubleSupplier runningLoss) {
        steps++;
    }

    @Override
    public boolean stopRequested() {
        if (seconds <= 0 || reached || (System.nanoTime() - t0) / 1e9 <= seconds) return reached;
        LOG.warn("{}: time limit of {} s reached after {} step(s) of this run; stopping early", label, seconds, steps);
        reached = true;
        return true;
    }

    /** Whether the limit stopped the run. */
    public boolean reached() {
        return reached;
    }
}
