package dev.causalmm.baselines;

import dev.causalmm.data.Task;
import dev.causalmm.nn.Init;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.Linear;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.nn.Encoders;
import dev.causalmm.nn.ModalityEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Concat fusion (spec §5.3, ConcatBow/ConcatBERT with from-scratch encoders): the fused
 * representation is the concatenation of the per-modality features (missing modalities zeroed),
 * and a single linear classifier maps it to logits. Loss: CE; for a regression {@link Task} the
 * linear layer outputs the target's values and the loss is the task's MSE or L1.
 */
public class ConcatFusion extends FusedHeadModel {
    private final List<ModalityEncoder> encoders = new ArrayList<>();
    private final Linear classifier;
    private final int fusedDim;

    /** Over feature vectors of the given widths; {@code seed} seeds the initial weights. */
    public ConcatFusion(int[] inputDims, int numClasses, EncoderConfig encoder, long seed) {
        this(ModalitySpec.vectors(inputDims), numClasses, encoder, seed);
    }

    /**
     * Each modality encoded by {@link Encoders#create} (MLP, CNN or bag of words, then the MLP).
     *
     * @param seed seed of the initial weights (the same seed builds the same model in every process)
     */
    public ConcatFusion(List<ModalitySpec> modalities, int numClasses, EncoderConfig encoder, long seed) {
        this(modalities, new Task.Classification(numClasses), encoder, seed);
    }

    /** For the given task: classification (C logits) or regression (the target's values). */
    public ConcatFusion(List<ModalitySpec> modalities, Task task, EncoderConfig encoder, long seed) {
        this(modalities, task, encoder, Init.seeded(seed));
    }

    private ConcatFusion(List<ModalitySpec> modalities, Task task, EncoderConfig encoder, Init init) {
        this(modalities.stream().map(m -> Encoders.create(m, encoder, init)).toList(), task, init);
    }

    /** Over the given encoders (the model takes ownership of them); {@code init} draws the classifier. */
    protected ConcatFusion(List<? extends ModalityEncoder> modalityEncoders, int numClasses, Init init) {
        this(modalityEncoders, new Task.Classification(numClasses), init);
    }

    /** Over the given encoders, for the given task (the linear layer outputs {@code task.outputs()} values). */
    protected ConcatFusion(List<? extends ModalityEncoder> modalityEncoders, Task task, Init init) {
        super(task);
        int numClasses = task.outputs();
        int dz = 0;
        for (int k = 0; k < modalityEncoders.size(); k++) {
            ModalityEncoder e = registerModule("encoder" + k, modalityEncoders.get(k));
            encoders.add(e);
            dz += e.featureDim();
        }
        this.fusedDim = dz;
        this.classifier = registerModule("classifier", new Linear(dz, numClasses, init));
    }

    @Override public int numModalities() { return encoders.size(); }
    @Override public int featureDim(int k) { return encoders.get(k).featureDim(); }
    @Override public int fusedDim() { return fusedDim; }
    @Override public Linear classifier() { return classifier; }

    @Override
    public List<Tensor> encode(List<Tensor> inputs) {
        if (inputs.size() != encoders.size()) {
            throw new IllegalArgumentException("concat fusion built for " + encoders.size() + " modalities, got " + inputs.size());
        }
        List<Tensor> h = new ArrayList<>(inputs.size());
        for (int k = 0; k < inputs.size(); k++) h.add(encoders.get(k).forward(inputs.get(k)));
        return h;
    }

    @Override
    public Tensor fuse(List<Tensor> features, Tensor mask) {
        if (mask == null) return Tensor.cat(features, 1);
        List<Tensor> masked = new ArrayList<>(features.size());
        for (int k = 0; k < features.size(); k++) {
            masked.add(features.get(k).mul(mask.narrow(1, k, 1)));
        }
        return Tensor.cat(masked, 1);
    }
}
