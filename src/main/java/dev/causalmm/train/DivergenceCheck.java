package dev.causalmm.train;

import java.util.List;

/**
 * Stops a run whose loss became NaN or infinite (DJL's divergence check): at the end of the epoch,
 * from the meter's on-device finite prefix, before the epoch's weights reach a checkpoint, so
 * {@code last.ckpt} keeps the last finite epoch.
 */
final class DivergenceCheck {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("causalmm.train");

    private DivergenceCheck() {}

    /**
     * @param plannedSteps the epoch's steps, for the message
     * @throws NonFiniteLossException after telling {@code listeners}, when the epoch diverged
     */
    static void check(EpochMeter.Totals t, int epoch, int plannedSteps, double lr, long seed, List<TrainingListener> listeners) {
        if (t.finite()) return;
        NonFiniteLossException e = new NonFiniteLossException(epoch, Math.min(t.finiteSteps(), t.steps() - 1), plannedSteps, t.loss(), lr, seed);
        LOG.warn(e.getMessage());
        for (TrainingListener l : listeners) l.onNonFiniteLoss(e);
        throw e;
    }
}
