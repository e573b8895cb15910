package dev.causalmm.train;

import java.util.function.DoubleSupplier;

/** Training events, for progress display, logging and custom hooks. All methods are optional. */
public interface TrainingListener {

    default void onTrainStart(TrainConfig config, int stepsPerEpoch) {}

    /** Right after {@link #onTrainStart}, when the run continues from {@code checkpoint}: {@code epoch} (0-based) is the next to train. */
    default void onResume(int epoch, java.nio.file.Path checkpoint) {}

    /** The training loss became NaN or infinite; the trainer throws {@code e} right after the listeners. */
    default void onNonFiniteLoss(NonFiniteLossException e) {}

    default void onEpochStart(int epoch, int epochs) {}

    /**
     * After every optimizer step. {@code runningLoss} reads the epoch's mean loss so far; reading it
     * waits for the device, so call it sparingly (a progress bar samples it a few times a second).
     */
    default void onBatchEnd(int epoch, int step, int steps, long samplesSeen, DoubleSupplier runningLoss) {}

    default void onEpochEnd(EpochMetrics metrics) {}

    default void onTrainEnd(TrainResult result) {}

    /**
     * Asked after every step that leaves steps to take: true stops the run there (DJL's listener
     * stop); the trainer ends the epoch early and writes its checkpoint, so a resumed run continues
     * at the next step.
     */
    default boolean stopRequested() {
        return false;
    }
}
