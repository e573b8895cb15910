package dev.causalmm.causal;

import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Each modality's own logits, for the imbalance baselines that compare how well every modality
 * alone predicts the label (OGM-GE). Models with unimodal heads (late fusion, QMF, TMC) expose
 * them directly; for a concat model they are derived as OGM-GE's reference does for its concat
 * fusion: the classifier's weight split into the columns that read modality k, and the bias
 * shared out, {@code l_k = H_k W_kᵀ + b/K}. Any other model: its fused prediction with only
 * modality k present.
 */
final class ModalityLogits {
    private ModalityLogits() {}

    /** Modality k's logits for every k, with graph (B×C each). */
    static List<Tensor> of(MultimodalModel model, ForwardOutput out) {
        if (!out.modalityLogits().isEmpty()) {
            if (!model.modalityOutputsAreDirichlet()) return out.modalityLogits();
            return out.modalityLogits().stream().map(Tensor::log).toList(); // softmax(log α) = α/S, TMC's class probability
        }
        int k = model.numModalities();
        int total = 0;
        for (int m = 0; m < k; m++) total += model.featureDim(m);
        Linear w = model.classifier();
        if (w == null || model.fusedDim() != total || w.inFeatures() != total) return alone(model, out);
        Tensor sharedBias = w.bias() == null ? null : w.bias().div(k);
        List<Tensor> logits = new ArrayList<>(k);
        int offset = 0;
        for (int m = 0; m < k; m++) {
            int d = model.featureDim(m);
            Tensor l = out.features().get(m).matmul(w.weight().narrow(1, offset, d).transpose(0, 1));
            logits.add(sharedBias == null ? l : l.add(sharedBias));
            offset += d;
        }
        return logits;
    }

    /**
     * Any other model (MMBT): the fused prediction with modality k alone present, {@code F&T(H, e_k)}.
     */
    static List<Tensor> alone(MultimodalModel model, ForwardOutput out) {
        int k = model.numModalities();
        long b = out.features().get(0).size(0);
        List<Tensor> logits = new ArrayList<>(k);
        for (int m = 0; m < k; m++) {
            Tensor only = dev.causalmm.engine.Functional.oneHot(Tensor.full(m, dev.causalmm.engine.DType.INT64,
                    out.features().get(0).device(), b), k);
            logits.add(model.fuseAndPredict(out.features(), out.mask() == null ? only : only.mul(out.mask())));
        }
        return logits;
    }

    /**
     * {@code s_k = Σ_i softmax(l_k)_i[y_i]} over the rows where modality k is present (all rows
     * when {@code mask} is null): the reference's per-modality score, as a K-vector without graph.
     */
    static Tensor scores(List<Tensor> logits, Tensor labels, Tensor mask) {
        List<Tensor> s = new ArrayList<>(logits.size());
        Tensor idx = labels.unsqueeze(1);
        for (int m = 0; m < logits.size(); m++) {
            Tensor p = dev.causalmm.engine.Functional.softmax(logits.get(m).detach(), 1).gather(1, idx).squeeze(1);
            if (mask != null) p = p.mul(mask.select(1, m).to(p.dtype()));
            s.add(p.sum());
        }
        return Tensor.stack(s, 0);
    }
}
