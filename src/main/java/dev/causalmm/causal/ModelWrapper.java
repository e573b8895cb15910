package dev.causalmm.causal;

import dev.causalmm.data.Task;
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
 * A {@link MultimodalModel} around another one, adding parameters of its own (named
 * {@code <prefix>.<name>}) and changing some steps; everything it does not override goes to the
 * base model. What {@link Regularizer#adapt} returns when a method changes inference as well as
 * training (IMML's feature weights, CmIR's invariant codes).
 */
abstract class ModelWrapper implements MultimodalModel {
    protected final MultimodalModel base;
    private final Module extra;
    private final String prefix;

    ModelWrapper(MultimodalModel base, Module extra, String prefix) {
        this.base = base;
        this.extra = extra;
        this.prefix = prefix;
    }

    public MultimodalModel base() {
        return base;
    }

    @Override public int numModalities() { return base.numModalities(); }
    @Override public int numClasses() { return base.numClasses(); }
    @Override public Task task() { return base.task(); }
    @Override public int featureDim(int m) { return base.featureDim(m); }
    @Override public int fusedDim() { return base.fusedDim(); }
    @Override public Linear classifier() { return base.classifier(); }
    @Override public List<Tensor> encode(List<Tensor> inputs) { return base.encode(inputs); }
    @Override public Tensor fuse(List<Tensor> features, Tensor mask) { return base.fuse(features, mask); }
    @Override public Tensor classify(Tensor fused) { return base.classify(fused); }
    @Override public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) { return base.fuseAndPredict(features, mask); }
    @Override public ForwardOutput forwardFeatures(List<Tensor> features, Tensor mask) { return base.forwardFeatures(features, mask); }
    @Override public Tensor loss(ForwardOutput out, Tensor labels) { return base.loss(out, labels); }
    @Override public Tensor fusedLoss(Tensor logits, Tensor labels) { return base.fusedLoss(logits, labels); }
    @Override public Tensor loss(ForwardOutput out, Tensor labels, Tensor indices) { return base.loss(out, labels, indices); }
    @Override public boolean usesSampleIndices() { return base.usesSampleIndices(); }
    @Override public void startEpoch(int epoch) { base.startEpoch(epoch); }
    @Override public void startStep(long step, long totalSteps) { base.startStep(step, totalSteps); }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(base.namedParameters());
        extra.namedParameters().forEach((k, v) -> all.put(prefix + "." + k, v));
        return all;
    }

    @Override public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }
    @Override public long parameterCount() { return base.parameterCount() + extra.parameterCount(); }

    @Override
    public void setTraining(boolean on) {
        base.setTraining(on);
        extra.setTraining(on);
    }

    @Override
    public void to(Device device) {
        base.to(device);
        extra.to(device);
    }

    @Override
    public void close() {
        extra.close();
        base.close();
    }
}
