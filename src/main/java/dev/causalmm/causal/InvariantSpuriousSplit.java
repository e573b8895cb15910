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
 * CmIR's model (spec §4.1) built around any {@link MultimodalModel}: the base encoder's feature
 * {@code h_m} is split by two linear heads into an invariant code {@code Z_m^inv} and a spurious
 * code {@code Z_m^spu} of the same width; only the invariant codes go on to the base model's fusion
 * and head (the predictor never sees the spurious part). The spurious codes are handed to the
 * regulariser as extras {@code cmir.spu<m>}. Parameters: the base model's plus {@code split.*}.
 */
public final class InvariantSpuriousSplit implements MultimodalModel {
    private final MultimodalModel base;
    private final Heads heads;

    private static final class Heads extends Module {
        final List<Linear> inv = new ArrayList<>();
        final List<Linear> spu = new ArrayList<>();

        Heads(MultimodalModel base) {
            for (int m = 0; m < base.numModalities(); m++) {
                int d = base.featureDim(m);
                inv.add(registerModule("inv" + m, new Linear(d, d)));
                spu.add(registerModule("spu" + m, new Linear(d, d)));
            }
        }
    }

    public InvariantSpuriousSplit(MultimodalModel base) {
        this.base = base;
        this.heads = new Heads(base);
    }

    public MultimodalModel base() {
        return base;
    }

    /** Invariant codes of the given inputs (the features the predictor sees). */
    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        List<Tensor> h = base.encode(inputs);
        List<Tensor> inv = new ArrayList<>(h.size());
        for (int m = 0; m < h.size(); m++) inv.add(heads.inv.get(m).forward(h.get(m)));
        return inv;
    }

    @Override
    public ForwardOutput forward(List<Tensor> inputs, Tensor mask) {
        List<Tensor> h = base.encode(inputs);
        List<Tensor> inv = new ArrayList<>(h.size());
        Map<String, Tensor> extras = new LinkedHashMap<>();
        for (int m = 0; m < h.size(); m++) {
            inv.add(heads.inv.get(m).forward(h.get(m)));
            extras.put("cmir.spu" + m, heads.spu.get(m).forward(h.get(m)));
        }
        return base.forwardFeatures(inv, mask).withInputs(inputs).withExtras(extras);
    }

    @Override public int numModalities() { return base.numModalities(); }
    @Override public int numClasses() { return base.numClasses(); }
    @Override public int featureDim(int m) { return base.featureDim(m); }
    @Override public int fusedDim() { return base.fusedDim(); }
    @Override public Linear classifier() { return base.classifier(); }
    @Override public Tensor fuse(List<Tensor> features, Tensor mask) { return base.fuse(features, mask); }
    @Override public Tensor classify(Tensor fused) { return base.classify(fused); }
    @Override public Tensor fuseAndPredict(List<Tensor> features, Tensor mask) { return base.fuseAndPredict(features, mask); }
    @Override public ForwardOutput forwardFeatures(List<Tensor> features, Tensor mask) { return base.forwardFeatures(features, mask); }
    @Override public Tensor loss(ForwardOutput out, Tensor labels) { return base.loss(out, labels); }
    @Override public Tensor fusedLoss(Tensor logits, Tensor labels) { return base.fusedLoss(logits, labels); }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(base.namedParameters());
        heads.namedParameters().forEach((k, v) -> all.put("split." + k, v));
        return all;
    }

    @Override public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }
    @Override public long parameterCount() { return base.parameterCount() + heads.parameterCount(); }

    @Override
    public void setTraining(boolean on) {
        base.setTraining(on);
        heads.setTraining(on);
    }

    @Override
    public void to(Device device) {
        base.to(device);
        heads.to(device);
    }

    @Override
    public void close() {
        heads.close();
        base.close();
    }
}
