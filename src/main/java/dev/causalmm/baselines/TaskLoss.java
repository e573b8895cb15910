package dev.causalmm.baselines;

import dev.causalmm.data.Task;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;

/**
 * The training loss of a {@link Task} on a model's output (batch mean): cross-entropy of logits
 * against int64 class labels, or MSE / L1 of {@code B×dims} predictions against float32 targets
 * (averaged over the batch and the dimensions), and the direction in which that loss rises fastest
 * on the output (what the C3 diagnostic pushes along).
 */
final class TaskLoss {
    private TaskLoss() {}

    /** The loss of {@code out} (B×outputs) against the batch's labels, for the given task. */
    static Tensor of(Task task, String model, Tensor out, Tensor labels) {
        return switch (task) {
            case Task.Classification c -> {
                if (labels.dtype() != DType.INT64) throw mismatch(model, task, labels);
                yield Functional.crossEntropy(out, labels);
            }
            case Task.Regression r -> {
                Tensor diff = prediction(out).sub(checkedTargets(model, r, out, labels));
                yield r.loss() == Task.Loss.MSE ? diff.square().mean() : diff.abs().mean();
            }
        };
    }

    /**
     * Per sample, the direction on {@code out} in which the loss rises fastest (any positive scale
     * per row): {@code q − e_y} for cross-entropy; {@code ŷ − y} for MSE (its gradient over 2);
     * {@code sign(ŷ − y)} for L1. Carries no graph.
     */
    static Tensor ascent(Task task, String model, Tensor out, Tensor labels) {
        return switch (task) {
            case Task.Classification c -> Functional.crossEntropyAscent(out.detach(), labels);
            case Task.Regression r -> {
                Tensor diff = prediction(out.detach()).sub(checkedTargets(model, r, out, labels));
                yield r.loss() == Task.Loss.MSE ? diff : diff.sign();
            }
        };
    }

    /** The output in float32: under autocast it may arrive in bf16, too coarse for a regression loss. */
    private static Tensor prediction(Tensor out) {
        return out.dtype() == DType.FLOAT32 ? out : out.to(DType.FLOAT32);
    }

    private static Tensor checkedTargets(String model, Task.Regression r, Tensor out, Tensor labels) {
        if (labels.dtype() != DType.FLOAT32) throw mismatch(model, r, labels);
        if (labels.dim() != 2 || labels.size(1) != r.dims() || out.size(1) != r.dims()) {
            throw new IllegalArgumentException(model + " predicts " + out.size(1) + " values for a " + r.dims()
                    + "-dimensional regression target; the batch's targets have shape " + java.util.Arrays.toString(labels.shape()));
        }
        return labels;
    }

    private static IllegalArgumentException mismatch(String model, Task task, Tensor labels) {
        return new IllegalArgumentException(model + " was built for " + describe(task) + " but the batch carries "
                + (labels.dtype() == DType.INT64 ? "int64 class labels" : labels.dtype() + " regression targets")
                + "; build the model with the dataset's task()");
    }

    /** A task in words, for error messages. */
    static String describe(Task task) {
        return switch (task) {
            case Task.Classification c -> "classification (" + c.numClasses() + " classes)";
            case Task.Regression r -> "regression (" + r.dims() + "-dimensional target, " + r.loss() + " loss)";
        };
    }
}
