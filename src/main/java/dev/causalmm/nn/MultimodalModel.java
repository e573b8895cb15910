package dev.causalmm.nn;

import dev.causalmm.data.Task;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The seam every method plugs into (spec §8): a model that exposes its per-modality features, its
 * fused representation (when it has one), its classifier and its fusion+head function, so a causal
 * regulariser can recompute predictions from perturbed or mixed features of any model.
 */
public interface MultimodalModel extends AutoCloseable {

    int numModalities();

    int numClasses();

    /** What the model predicts: classes (its default) or a regression target of {@code task().outputs()} values. */
    default Task task() {
        return new Task.Classification(numClasses());
    }

    /** Width {@code d_k} of modality {@code k}'s feature. */
    int featureDim(int modality);

    /** Width of the fused representation, or 0 when the model has none. */
    int fusedDim();

    /** Per-modality encoders: inputs (one tensor per modality) to features {@code H_k}. */
    List<Tensor> encode(List<Tensor> inputs);

    /**
     * Fusion F: features to the fused representation {@code Z}, or {@code null} if the model has none.
     * Every {@code mask} argument of this interface is {@code B×K} (1 = present) or {@code null} for
     * "all present".
     */
    Tensor fuse(List<Tensor> features, Tensor mask);

    /** The linear classifier W applied to {@code Z}; only for models with a fused representation. */
    Tensor classify(Tensor fused);

    /** Fusion and target mapping F&T: features (possibly perturbed or mixed) to fused logits. */
    Tensor fuseAndPredict(List<Tensor> features, Tensor mask);

    /** Weight and bias of the classifier W (for closed-form counterfactual gradients), or null. */
    default Linear classifier() {
        return null;
    }

    /** A full forward pass: {@code forwardFeatures(encode(inputs), mask)}. */
    default ForwardOutput forward(List<Tensor> inputs, Tensor mask) {
        return forwardFeatures(encode(inputs), mask).withInputs(inputs);
    }

    /** The forward pass from per-modality features on (fusion, classifier, unimodal heads). */
    ForwardOutput forwardFeatures(List<Tensor> features, Tensor mask);

    /** The model's own training loss on a forward output (batch mean). */
    Tensor loss(ForwardOutput out, Tensor labels);

    /**
     * The training loss when the rows' dataset indices are known: models with per-sample history
     * (QMF) override this and {@link #usesSampleIndices()}; others use {@link #loss(ForwardOutput, Tensor)}.
     */
    default Tensor loss(ForwardOutput out, Tensor labels, Tensor indices) {
        return loss(out, labels);
    }

    /**
     * True when {@link ForwardOutput#modalityLogits()} holds Dirichlet parameters α (TMC), whose
     * class probabilities are α/Σα, not softmax(α).
     */
    default boolean modalityOutputsAreDirichlet() {
        return false;
    }

    /** Whether {@link #loss(ForwardOutput, Tensor, Tensor)} needs the indices (else the trainer passes null). */
    default boolean usesSampleIndices() {
        return false;
    }

    /** Told at the start of every training epoch (0-based), for schedules inside the loss (TMC's KL annealing). */
    default void startEpoch(int epoch) {}

    /**
     * Told before every optimizer step: the 0-based step and the run's planned steps, for schedules
     * that must mean the same at any data size (TMC anneals over the first 10% of the steps).
     */
    default void startStep(long step, long totalSteps) {}

    /**
     * The task loss of fused logits alone (batch mean): what mixing regularisers such as IMML's
     * L_β train against. Cross-entropy unless the model's loss is of another kind (TMC's evidential loss).
     */
    default Tensor fusedLoss(Tensor logits, Tensor labels) {
        return Functional.crossEntropy(logits, labels);
    }

    /**
     * Per sample, the direction on the fused output {@code logits} (B×C; any positive scale per row)
     * in which the model's own loss rises fastest: what a counterfactual step pushes the deployed
     * prediction along (the C3 diagnostic, {@code eval.C3Score}). Cross-entropy models use
     * {@link Tensor#crossEntropyAscent}; models with another loss (TMC) override this. Called with
     * grad mode on; the result carries no graph.
     */
    default Tensor lossAscentDirection(Tensor logits, Tensor labels) {
        return Functional.crossEntropyAscent(logits.detach(), labels);
    }

    /** Trainable parameters by dotted name. */
    Map<String, Tensor> namedParameters();

    List<Tensor> parameters();

    long parameterCount();

    void setTraining(boolean on);

    void to(Device device);

    @Override
    void close();
}
