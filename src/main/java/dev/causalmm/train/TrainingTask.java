package dev.causalmm.train;

import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.engine.Tensor;
import dev.causalmm.eval.EvalResult;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link Trainer} trains, and on what (MONAI's {@code prepare_batch} plus its iteration
 * function): the parameters, the batches of each epoch, the forward pass and loss of one batch,
 * validation and where checkpoints live. The trainer owns everything else: the optimizer, the
 * learning-rate schedule, backward, clipping, the on-device meter, divergence, early stopping,
 * listeners (a listener may request a stop), the {@link TrainerState} and resume. Classification
 * ({@link Trainer#fit(dev.causalmm.nn.MultimodalModel, dev.causalmm.causal.Regularizer,
 * dev.causalmm.data.MultimodalDataset, dev.causalmm.data.MultimodalDataset)}) is one task;
 * segmentation's patch steps are another.
 */
public interface TrainingTask {

    /** What a learning-rate schedule counts: epochs (rate set once an epoch) or optimizer steps (set every step). */
    enum ScheduleUnit { EPOCH, STEP }

    /**
     * One step's forward pass, as the meter needs it.
     *
     * @param loss   the loss to back-propagate (a mean over the batch's rows)
     * @param logits class scores for the meter's accuracy, or null where accuracy means nothing
     * @param labels the labels {@code logits} are scored against (null with null logits)
     * @param rows   rows of the batch
     * @param terms  a regulariser's terms for the epoch's means (on the device), empty when none
     * @param share  this rank's share of the global batch, weighting its terms
     */
    record Step(Tensor loss, Tensor logits, Tensor labels, int rows, Map<String, Tensor> terms, double share) {}

    /** Every trained tensor by name: saved in checkpoints, restored on resume, updated by the optimizer. */
    Map<String, Tensor> parameters();

    /** Optimizer steps of a full epoch. */
    int stepsPerEpoch();

    /**
     * The batches of {@code epoch}, from its step {@code firstStep} (0 unless a run resumes part way
     * through it) to its step {@code steps} (exclusive).
     */
    DataLoader.Epoch batches(int epoch, int firstStep, int steps);

    /** Called before an epoch's first step (training mode, per-epoch state). */
    void startEpoch(int epoch);

    /**
     * Forward and loss on {@code batch}, the run's optimizer step {@code step} (0-based), in the
     * step's tensor scope; it reads nothing back from the device except where it must (a log step).
     */
    Step forward(Batch batch, int epoch, long step);

    /**
     * Before optimizer step {@code step} (0-based) of the run's {@code totalSteps}: for schedules
     * counted in steps, which mean the same at any data size (TMC's KL annealing).
     */
    default void startStep(long step, long totalSteps) {}

    /** After backward and before clipping and the update: gradient sync, a regulariser's gradient hook. */
    default void afterBackward() {}

    /** After optimizer step {@code step} (0-based) taken at rate {@code lr}: where a task logs. */
    default void afterStep(long step, double lr) {}

    /** The epoch's validation, or null when there is none. */
    default EvalResult validate() {
        return null;
    }

    /** The run's schedule counts epochs unless the task says steps. */
    default ScheduleUnit scheduleUnit() {
        return ScheduleUnit.EPOCH;
    }

    /** Where checkpoints are read and written, or null for a run without them. */
    default Checkpoints checkpoints() {
        return null;
    }

    /** Checks a checkpoint before anything is restored from it (a task's own identity, an old format). */
    default void beforeResume(Checkpoint checkpoint, Path file) {}

    /** After the trainer restored the parameters, the optimizer and its state from {@code state}. */
    default void afterResume(TrainerState state, Path file) {}

    /** Called once before the first step, at the run's step {@code firstStep} (0, or where it resumes). */
    default void onStart(long firstStep) {}

    /** The task's own fields of a checkpoint's state ({@link TrainerState#task}), or null. */
    default com.fasterxml.jackson.databind.node.ObjectNode state() {
        return null;
    }
}
