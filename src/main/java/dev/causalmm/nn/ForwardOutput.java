package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;
import java.util.List;

/**
 * Everything a forward pass exposes to losses and regularisers.
 *
 * @param features          per-modality features {@code H_k}, each {@code B×d_k}
 * @param mask              availability {@code B×K} (1 = present), float; {@code null} when every
 *                          modality of every row is present
 * @param fused             fused representation {@code Z} ({@code B×dz}) that the classifier maps
 *                          linearly to the logits, or {@code null} if the model has none (late fusion)
 * @param logits            fused prediction {@code B×C}
 * @param modalityLogits    per-modality logits where the model has unimodal heads, else empty
 */
public record ForwardOutput(List<Tensor> features, Tensor mask, Tensor fused, Tensor logits, List<Tensor> modalityLogits) {
    public ForwardOutput {
        features = List.copyOf(features);
        modalityLogits = List.copyOf(modalityLogits);
    }

    public boolean hasFused() {
        return fused != null;
    }
}
