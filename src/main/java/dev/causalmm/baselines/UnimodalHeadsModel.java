package dev.causalmm.baselines;

import dev.causalmm.data.Task;
import dev.causalmm.nn.Init;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.Linear;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.nn.Encoders;
import dev.causalmm.nn.ModalityEncoder;
import dev.causalmm.nn.Module;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape shared by late fusion, TMC and QMF: one encoder and one linear head per modality, and
 * a fusion of the heads' outputs rather than of a fused vector (so no fused representation Z;
 * C3R uses its calibrator for these models). Subclasses decide how the unimodal logits are fused.
 */
abstract class UnimodalHeadsModel extends Module implements MultimodalModel {
    private final List<ModalityEncoder> encoders = new ArrayList<>();
    private final List<Linear> heads = new ArrayList<>();
    private final Task task;
    private final String kind;

    UnimodalHeadsModel(String kind, List<ModalitySpec> modalities, int numClasses, EncoderConfig encoder, Init init) {
        this(kind, modalities, new Task.Classification(numClasses), encoder, init);
    }

    /** Heads of {@code task.outputs()} values: the classes' logits, or the regression target's values. */
    UnimodalHeadsModel(String kind, List<ModalitySpec> modalities, Task task, EncoderConfig encoder, Init init) {
        this.kind = kind;
        this.task = task;
        int numClasses = task.outputs();
        for (int k = 0; k < modalities.size(); k++) {
            ModalityEncoder e = registerModule("encoder" + k, Encoders.create(modalities.get(k), encoder, init));
            encoders.add(e);
            heads.add(registerModule("head" + k, new Linear(e.featureDim(), numClasses, init)));
        }
    }

    @Override public int numModalities() { return encoders.size(); }
    @Override public int numClasses() { return task instanceof Task.Classification c ? c.numClasses() : 0; }
    @Override public Task task() { return task; }

    /** The model's name in messages (late fusion, TMC, QMF). */
    final String kind() {
        return kind;
    }
    @Override public int featureDim(int k) { return encoders.get(k).featureDim(); }
    @Override public int fusedDim() { return 0; }
    @Override public Tensor fuse(List<Tensor> features, Tensor mask) { return null; }

    @Override
    public Tensor classify(Tensor fused) {
        throw new UnsupportedOperationException(kind + " has no fused representation; use fuseAndPredict");
    }

    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        if (inputs.size() != encoders.size()) {
            throw new IllegalArgumentException(kind + " built for " + encoders.size() + " modalities, got " + inputs.size() + " inputs");
        }
        List<Tensor> h = new ArrayList<>(inputs.size());
        for (int k = 0; k < inputs.size(); k++) h.add(encoders.get(k).forward(inputs.get(k)));
        return h;
    }

    /** Each modality's head applied to its feature. */
    final List<Tensor> headLogits(List<Tensor> features) {
        List<Tensor> l = new ArrayList<>(features.size());
        for (int k = 0; k < features.size(); k++) l.add(heads.get(k).forward(features.get(k)));
        return l;
    }
}
