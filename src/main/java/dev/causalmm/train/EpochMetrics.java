package dev.causalmm.train;

import java.util.Map;

/**
 * What one epoch measured. Validation fields are NaN when no validation set was given.
 *
 * @param terms mean of each regulariser term over the epoch's batches
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                           double learningRate, double seconds, long samples, Map<String, Double> terms) {
    public EpochMetrics {
        terms = Map.copyOf(terms);
    }

    /**
     * What picks the best epoch, early stopping and a plateau schedule (higher is better): the
     * validation accuracy, or on a regression task (accuracy NaN) the negated validation loss; NaN
     * without validation data.
     */
    public double selectionScore() {
        return Double.isNaN(valAccuracy) && !Double.isNaN(valLoss) ? -valLoss : valAccuracy;
    }

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.NaN;
    }
}
