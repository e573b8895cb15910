package dev.causalmm.causal;

import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.Linear;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model whose per-modality features are re-weighted dimension by dimension before fusion:
 * {@code ĥ^m = h^m ⊙ ω^m}, one trainable weight per feature dimension, initialised to 1 — IMML's
 * discriminative-knowledge network N_DK (spec §3.2). The weights are part of the deployed model
 * (inference uses ĥ), which is why they live in a model wrapper rather than in the regulariser.
 * Parameters are the base model's plus {@code dk.omega<m>}.
 */
public final class FeatureWeighting implements MultimodalModel {
    private final MultimodalModel base;
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
        this.base = base;
        this.weights = new Weights(base);
    }

    public MultimodalModel base() {
        return base;
    }

    /** ω^m, the weight vector of modality m. */
    public Tensor omega(int m) {
        return weights.omega(m);
    }

    @Override public int numModalities() { return base.numModalities(); }
    @Override public int numClasses() { return base.numClasses(); }
    @Override public int featureDim(int m) { return base.featureDim(m); }
    @Override public int fusedDim() { return base.fusedDim(); }
    @Override public Linear classifier() { return base.classifier(); }

    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        List<Tensor> h = base.encode(inputs);
        List<Tensor> out = new ArrayList<>(h.size());
        for (int m = 0; m < h.size(); m++) out.add(h.get(m).mul(weights.omega(m)));
        return out;
    }

    @Override public Tensor fuse(List<Tensor> features, Tensor mask) { return base.fuse(features, mask); }
    @Override public Tensor classify(Tensor fused) { return base.classify(fused); }
    @Override public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) { return base.fuseAndPredict(features, mask); }
    @Override public ForwardOutput forwardFeatures(List<Tensor> features, Tensor mask) { return base.forwardFeatures(features, mask); }
    @Override public Tensor loss(ForwardOutput out, Tensor labels) { return base.loss(out, labels); }
    @Override public Tensor fusedLoss(Tensor logits, Tensor labels) { return base.fusedLoss(logits, labels); }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(base.namedParameters());
        weights.namedParameters().forEach((k, v) -> all.put("dk." + k, v));
        return all;
    }

    @Override
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    @Override
    public long parameterCount() {
        return base.parameterCount() + weights.parameterCount();
    }

    @Override
    public void setTraining(boolean on) {
        base.setTraining(on);
        weights.setTraining(on);
    }

    @Override
    public void to(Device device) {
        base.to(device);
        weights.to(device);
    }

    @Override
    public void close() {
        weights.close();
        base.close();
    }
}
