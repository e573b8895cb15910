package dev.causalmm.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param bestEpoch   epoch with the best validation accuracy (the last epoch without validation)
 * @param stoppedEarly true when early stopping ended the run
 * @param resumedFrom  epoch the run continued from a checkpoint (-1 = fresh start)
 */
public record TrainResult(List<EpochMetrics> history, int bestEpoch, boolean stoppedEarly, double seconds, int resumedFrom) {
    public TrainResult {
        history = List.copyOf(history);
    }

    public EpochMetrics last() {
        return history.getLast();
    }
}
