package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param inputs            the raw inputs of a full {@link MultimodalModel#forward} (empty when the
 *                          pass started from features), for regularisers that perturb or
 *                          reconstruct them
 * @param extras            named intermediate tensors a model wrapper exposes to its regulariser
 *                          (e.g. CmIR's spurious codes), empty by default
 */
public record ForwardOutput(List<Tensor> features, Tensor mask, Tensor fused, Tensor logits, List<Tensor> modalityLogits,
                            List<Tensor> inputs, Map<String, Tensor> extras) {
    public ForwardOutput {
        features = List.copyOf(features);
        modalityLogits = List.copyOf(modalityLogits);
        inputs = List.copyOf(inputs);
        extras = Map.copyOf(extras);
    }

    /** An output without inputs or extras (what a model's {@code forwardFeatures} builds). */
    public ForwardOutput(List<Tensor> features, Tensor mask, Tensor fused, Tensor logits, List<Tensor> modalityLogits) {
        this(features, mask, fused, logits, modalityLogits, List.of(), Map.of());
    }

    /** The same output, remembering the raw inputs it came from. */
    public ForwardOutput withInputs(List<Tensor> in) {
        return new ForwardOutput(features, mask, fused, logits, modalityLogits, in, extras);
    }

    /** The same output with extra named tensors. */
    public ForwardOutput withExtras(Map<String, Tensor> more) {
        Map<String, Tensor> all = new LinkedHashMap<>(extras);
        all.putAll(more);
        return new ForwardOutput(features, mask, fused, logits, modalityLogits, inputs, all);
    }

    public boolean hasFused() {
        return fused != null;
    }
}
