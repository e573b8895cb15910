package dev.causalmm.baselines;

import dev.causalmm.engine.Functional;
import dev.causalmm.nn.Init;
import dev.causalmm.data.ModalitySpec;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.NoGrad;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * QMF, quality-aware multimodal fusion (spec §5.6): per-modality heads, energy-based confidence
 * {@code w_m = logsumexp(logits_m)/10} (detached inside the fusion, as the text–image code),
 * fused logits {@code Σ_m w_m·logits_m}. Loss: {@code Σ_m CE(logits_m) + CE(fused) + λ_rank·Σ_m L_rank^m}
 * where each modality keeps a history of every training sample's accumulated CE (detached) and
 * {@code L_rank = mean_i max(0, t·(w_i − w_j) − μ)} over pairs (i, i+1 in the batch),
 * {@code t = sign(Ĥ_i − Ĥ_j)}, {@code μ = |Ĥ_i − Ĥ_j|}, Ĥ = history min–max normalised — the
 * reference code's tolerance form (history updated first, then ranked). When the history is flat
 * (the first batch: max = min) the normalisation divides by a clamped 1e−12 and the term is 0, the
 * spec's guard without a host read. The history lives on the model's device, sized to the
 * training set on first use; it is training state, not saved in checkpoints.
 */
public final class QMF extends UnimodalHeadsModel {
    private final double rankWeight;
    private final boolean detachWeights;
    private final int historySize;
    private final List<Tensor> history = new ArrayList<>();

    /**
     * @param historySize number of training samples (dataset indices must be below it)
     */
    /** Over feature vectors of the given widths; {@code seed} seeds the initial weights. */
    public QMF(int[] inputDims, int numClasses, EncoderConfig encoder, double rankWeight, boolean detachWeights, int historySize, long seed) {
        this(ModalitySpec.vectors(inputDims), numClasses, encoder, rankWeight, detachWeights, historySize, seed);
    }

    /**
     * @param seed seed of the initial weights (the same seed builds the same model in every process)
     */
    public QMF(List<ModalitySpec> modalities, int numClasses, EncoderConfig encoder, double rankWeight, boolean detachWeights, int historySize,
               long seed) {
        super("QMF", modalities, numClasses, encoder, Init.seeded(seed));
        this.rankWeight = rankWeight;
        this.detachWeights = detachWeights;
        this.historySize = historySize;
    }

    /** Energy-based confidence {@code logsumexp(logits)/10} ({@code B×1}). */
    public static Tensor confidence(Tensor logits) {
        return logits.logsumexp(1, true).div(10.0);
    }

    @Override
    public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) {
        return fusedLogits(headLogits(features), mask);
    }

    private Tensor fusedLogits(List<Tensor> logits, Tensor mask) {
        Tensor fused = null;
        for (int k = 0; k < logits.size(); k++) {
            Tensor w = confidence(logits.get(k));
            if (detachWeights) w = w.detach();
            if (mask != null) w = w.mul(mask.narrow(1, k, 1));
            Tensor term = logits.get(k).mul(w);
            fused = fused == null ? term : fused.add(term);
        }
        return fused;
    }

    @Override
    public ForwardOutput forwardFeatures(List<Tensor> features, Tensor mask) {
        List<Tensor> l = headLogits(features);
        return new ForwardOutput(features, mask, null, fusedLogits(l, mask), l);
    }

    @Override
    public Tensor loss(ForwardOutput out, Tensor labels) {
        Tensor loss = Functional.crossEntropy(out.logits(), labels);
        for (int k = 0; k < out.modalityLogits().size(); k++) loss = loss.add(unimodalLoss(out, k, labels));
        return loss;
    }

    /** Modality k's CE, averaged over the samples where it is present (an absent view's head is not trained). */
    private static Tensor unimodalLoss(ForwardOutput out, int k, Tensor labels) {
        Tensor l = out.modalityLogits().get(k);
        if (out.mask() == null) return Functional.crossEntropy(l, labels);
        Tensor m = out.mask().narrow(1, k, 1).squeeze(1);
        return Functional.crossEntropyPerSample(l, labels).mul(m).sum().div(m.sum().clampMin(1.0));
    }

    @Override
    public boolean usesSampleIndices() {
        return rankWeight != 0;
    }

    @Override
    public Tensor loss(ForwardOutput out, Tensor labels, Tensor indices) {
        Tensor loss = loss(out, labels);
        if (rankWeight == 0) return loss;
        for (int k = 0; k < out.modalityLogits().size(); k++) {
            Tensor logits = out.modalityLogits().get(k);
            Tensor h = history(k, logits.device());
            Tensor present = out.mask() == null ? null : out.mask().narrow(1, k, 1).squeeze(1);
            try (NoGrad ng = NoGrad.enter()) {
                Tensor ce = Functional.crossEntropyPerSample(logits, labels);
                h.indexAdd_(0, indices, present == null ? ce : ce.mul(present));
            }
            Tensor rank = present == null ? rankingLoss(confidence(logits).squeeze(1), h, indices)
                    : rankingLoss(confidence(logits).squeeze(1), h, indices, present);
            loss = loss.add(rank, rankWeight);
        }
        return loss;
    }

    /**
     * {@code mean_i max(0, t_i·(w_i − w_j) − μ_i)}, j = i+1 (cyclic), from the min–max normalised
     * history of the batch's samples; 0 while the history is flat.
     */
    public static Tensor rankingLoss(Tensor w, Tensor history, Tensor indices) {
        Tensor hn;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor min = history.min();
            Tensor range = history.max().sub(min).clampMin(1e-12);
            hn = history.indexSelect(0, indices).sub(min).div(range);
        }
        Tensor diff = hn.sub(hn.roll(-1, 0));
        Tensor t = diff.sign();
        Tensor mu = diff.abs();
        return Functional.relu(t.mul(w.sub(w.roll(-1, 0))).sub(mu)).mean();
    }

    /** {@link #rankingLoss(Tensor, Tensor, Tensor)} over the pairs whose two samples both have the view ({@code present} 0/1). */
    public static Tensor rankingLoss(Tensor w, Tensor history, Tensor indices, Tensor present) {
        Tensor hn;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor min = history.min();
            Tensor range = history.max().sub(min).clampMin(1e-12);
            hn = history.indexSelect(0, indices).sub(min).div(range);
        }
        Tensor diff = hn.sub(hn.roll(-1, 0));
        Tensor pair = present.mul(present.roll(-1, 0));
        Tensor terms = Functional.relu(diff.sign().mul(w.sub(w.roll(-1, 0))).sub(diff.abs())).mul(pair);
        return terms.sum().div(pair.sum().clampMin(1.0));
    }

    private Tensor history(int k, Device device) {
        while (history.size() <= k) history.add(null);
        if (history.get(k) == null) history.set(k, Tensor.zeros(DType.FLOAT32, device, historySize).unscoped());
        return history.get(k);
    }

    @Override
    public void close() {
        history.forEach(t -> {
            if (t != null) t.close();
        });
        history.clear();
        super.close();
    }
}
