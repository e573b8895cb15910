package dev.causalmm.baselines;

import dev.causalmm.data.Task;
import dev.causalmm.nn.Init;
import dev.causalmm.data.ModalitySpec;

import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import java.util.List;

/**
 * Late fusion (spec §5.2): each modality has its own encoder and linear head; the fused logits are
 * the mean of the heads' logits over the available modalities ({@code ½(l_1 + l_2)} when both are
 * present). Loss: CE of the fused logits; {@code auxUnimodalLoss} adds each head's CE. For a
 * regression {@link Task} the heads output the target's values, their masked mean is the
 * prediction, and the loss is the task's MSE or L1 (likewise per head with {@code auxUnimodalLoss}).
 * There is no fused representation, so C3R uses its calibrator for this model.
 */
public final class LateFusion extends UnimodalHeadsModel {
    private final boolean auxUnimodalLoss;

    /** Over feature vectors of the given widths; {@code seed} seeds the initial weights. */
    public LateFusion(int[] inputDims, int numClasses, EncoderConfig encoder, boolean auxUnimodalLoss, long seed) {
        this(ModalitySpec.vectors(inputDims), numClasses, encoder, auxUnimodalLoss, seed);
    }

    /**
     * @param seed seed of the initial weights (the same seed builds the same model in every process)
     */
    public LateFusion(List<ModalitySpec> modalities, int numClasses, EncoderConfig encoder, boolean auxUnimodalLoss, long seed) {
        this(modalities, new Task.Classification(numClasses), encoder, auxUnimodalLoss, seed);
    }

    /** For the given task: classification (heads of C logits) or regression (heads of the target's size). */
    public LateFusion(List<ModalitySpec> modalities, Task task, EncoderConfig encoder, boolean auxUnimodalLoss, long seed) {
        super("late fusion", modalities, task, encoder, Init.seeded(seed));
        this.auxUnimodalLoss = auxUnimodalLoss;
    }

    @Override
    public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) {
        return combine(headLogits(features), mask);
    }

    /** Masked mean of the heads' logits: Σ_k m_k l_k / max(1, Σ_k m_k). */
    private static Tensor combine(List<Tensor> logits, Tensor mask) {
        Tensor stacked = Tensor.stack(logits, 1);                    // B×K×C
        if (mask == null) return stacked.mean(1, false);
        Tensor m = mask.unsqueeze(2);                                // B×K×1
        Tensor num = stacked.mul(m).sum(1, false);
        Tensor den = mask.sum(1, true).clampMin(1.0);
        return num.div(den);
    }

    @Override
    public ForwardOutput forwardFeatures(List<Tensor> h, Tensor mask) {
        List<Tensor> l = headLogits(h);
        return new ForwardOutput(h, mask, null, combine(l, mask), l);
    }

    @Override
    public Tensor loss(ForwardOutput out, Tensor labels) {
        Tensor loss = fusedLoss(out.logits(), labels);
        if (auxUnimodalLoss) {
            for (Tensor l : out.modalityLogits()) loss = loss.add(fusedLoss(l, labels));
        }
        return loss;
    }

    @Override
    public Tensor fusedLoss(Tensor logits, Tensor labels) {
        return TaskLoss.of(task(), kind(), logits, labels);
    }

    @Override
    public Tensor lossAscentDirection(Tensor logits, Tensor labels) {
        return TaskLoss.ascent(task(), kind(), logits, labels);
    }

}
