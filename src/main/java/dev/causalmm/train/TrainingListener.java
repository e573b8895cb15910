package dev.causalmm.train;

import java.util.function.DoubleSupplier;

/** Training events, for progress display, logging and custom hooks. All methods are optional. */
public interface TrainingListener {

    default void onTrainStart(TrainConfig config, int stepsPerEpoch) {}

    default void onEpochStart(int epoch, int epochs) {}

    /**
     * After every optimizer step. {@code runningLoss} reads the epoch's mean loss so far; reading it
     * waits for the device, so call it sparingly (a progress bar samples it a few times a second).
     */
    default void onBatchEnd(int epoch, int step, int steps, long samplesSeen, DoubleSupplier runningLoss) {}

    default void onEpochEnd(EpochMetrics metrics) {}

    default void onTrainEnd(TrainResult result) {}
}
