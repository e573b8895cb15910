package dev.causalmm.baselines;

import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.MlpEncoder;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Late fusion (spec §5.2): each modality has its own encoder and linear head; the fused logits are
 * the mean of the heads' logits over the available modalities ({@code ½(l_1 + l_2)} when both are
 * present). Loss: CE of the fused logits; {@code auxUnimodalLoss} adds each head's CE.
 * There is no fused representation, so C3R uses its calibrator for this model.
 */
public final class LateFusion extends Module implements MultimodalModel {
    private final List<MlpEncoder> encoders = new ArrayList<>();
    private final List<Linear> heads = new ArrayList<>();
    private final int numClasses;
    private final boolean auxUnimodalLoss;

    public LateFusion(int[] inputDims, int numClasses, EncoderConfig encoder, boolean auxUnimodalLoss) {
        this.numClasses = numClasses;
        this.auxUnimodalLoss = auxUnimodalLoss;
        for (int k = 0; k < inputDims.length; k++) {
            MlpEncoder e = registerModule("encoder" + k, new MlpEncoder(inputDims[k], encoder));
            encoders.add(e);
            heads.add(registerModule("head" + k, new Linear(e.featureDim(), numClasses)));
        }
    }

    @Override public int numModalities() { return encoders.size(); }
    @Override public int numClasses() { return numClasses; }
    @Override public int featureDim(int k) { return encoders.get(k).featureDim(); }
    @Override public int fusedDim() { return 0; }

    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        checkCount(inputs.size());
        List<Tensor> h = new ArrayList<>(inputs.size());
        for (int k = 0; k < inputs.size(); k++) h.add(encoders.get(k).forward(inputs.get(k)));
        return h;
    }

    @Override
    public Tensor fuse(List<Tensor> features, Tensor mask) {
        return null;
    }

    @Override
    public Tensor classify(Tensor fused) {
        throw new UnsupportedOperationException("late fusion has no fused representation; use fuseAndPredict");
    }

    private List<Tensor> headLogits(List<Tensor> features) {
        List<Tensor> l = new ArrayList<>(features.size());
        for (int k = 0; k < features.size(); k++) l.add(heads.get(k).forward(features.get(k)));
        return l;
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
        Tensor loss = Tensor.crossEntropy(out.logits(), labels);
        if (auxUnimodalLoss) {
            for (Tensor l : out.modalityLogits()) loss = loss.add(Tensor.crossEntropy(l, labels));
        }
        return loss;
    }

    private void checkCount(int n) {
        if (n != encoders.size()) {
            throw new IllegalArgumentException("late fusion built for " + encoders.size() + " modalities, got " + n + " inputs");
        }
    }
}
