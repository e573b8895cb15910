package dev.causalmm.baselines;

import dev.causalmm.data.Task;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;

/**
 * The shape shared by concat fusion, ConcatBow and MMBT: a fused representation Z and one linear
 * classifier W over it (so C3R uses the model's own Z and W). Subclasses encode and fuse;
 * classification, F&T, the forward pass from features and the task's loss (CE, or MSE/L1 for a
 * regression {@link Task}, W then outputs the target's values) are common.
 */
abstract class FusedHeadModel extends Module implements MultimodalModel {
    private final Task task;

    FusedHeadModel(int numClasses) {
        this(new Task.Classification(numClasses));
    }

    FusedHeadModel(Task task) {
        this.task = task;
    }

    @Override public int numClasses() { return task instanceof Task.Classification c ? c.numClasses() : 0; }
    @Override public Task task() { return task; }

    /** The classifier W; subclasses register it under {@code classifier}. */
    @Override public abstract Linear classifier();

    @Override
    public Tensor classify(Tensor fused) {
        return classifier().forward(fused);
    }

    @Override
    public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) {
        return classify(fuse(features, mask));
    }

    @Override
    public ForwardOutput forwardFeatures(List<Tensor> h, Tensor mask) {
        Tensor z = fuse(h, mask);
        return new ForwardOutput(h, mask, z, classify(z), List.of());
    }

    @Override
    public Tensor loss(ForwardOutput out, Tensor labels) {
        return TaskLoss.of(task, getClass().getSimpleName(), out.logits(), labels);
    }

    @Override
    public Tensor fusedLoss(Tensor logits, Tensor labels) {
        return TaskLoss.of(task, getClass().getSimpleName(), logits, labels);
    }

    @Override
    public Tensor lossAscentDirection(Tensor logits, Tensor labels) {
        return TaskLoss.ascent(task, getClass().getSimpleName(), logits, labels);
    }
}
