package dev.causalmm.causal;

import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A model whose per-modality features are re-weighted dimension by dimension before fusion:
 * {@code ĥ^m = h^m ⊙ ω^m}, one trainable weight per feature dimension, initialised to 1 — IMML's
 * discriminative-knowledge network N_DK (spec §3.2). The weights are part of the deployed model
 * (inference uses ĥ), which is why they live in a model wrapper rather than in the regulariser.
 * Parameters are the base model's plus {@code dk.omega<m>}.
 */
final class FeatureWeighting extends ModelWrapper {
    private final Weights weights;

    private static final class Weights extends Module {
        Weights(MultimodalModel base) {
            for (int m = 0; m < base.numModalities(); m++) {
                registerParameter("omega" + m, Tensor.ones(base.featureDim(m)));
            }
        }

        Tensor omega(int m) {
            return param("omega" + m);
        }
    }

    public FeatureWeighting(MultimodalModel base) {
        this(base, new Weights(base));
    }

    private FeatureWeighting(MultimodalModel base, Weights weights) {
        super(base, weights, "dk");
        this.weights = weights;
    }

    /** ω^m, the weight vector of modality m. */
    public Tensor omega(int m) {
        return weights.omega(m);
    }

    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        List<Tensor> h = base.encode(inputs);
        List<Tensor> out = new ArrayList<>(h.size());
        for (int m = 0; m < h.size(); m++) out.add(h.get(m).mul(weights.omega(m)));
        return out;
    }
}
