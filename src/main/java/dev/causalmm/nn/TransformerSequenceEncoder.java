package dev.causalmm.nn;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Tensor;

/**
 * A sequence through the project's {@link TransformerBlock}: steps projected to the model width
 * plus a learned position per step, one block in which padded keys get no attention, then the mean
 * of the real steps' outputs and the modality MLP. A sample without real steps attends over all its
 * (zero) steps, so attention never sees an empty key set.
 */
final class TransformerSequenceEncoder extends ModalityEncoder {
    private final int features;
    private final int width;
    private final Linear project;
    private final TransformerBlock block;
    private final ModalityEncoder head;

    /** @param config the MLP after pooling; null: the pooled vector itself is the feature */
    public TransformerSequenceEncoder(ModalitySpec spec, int width, int heads, EncoderConfig config, Init init) {
        Init.require(init, "TransformerSequenceEncoder(" + spec + ")");
        this.features = spec.stepFeatures();
        this.width = width;
        project = registerModule("project", new Linear(features, width, init));
        registerParameter("position", init.normal(0.02, spec.steps(), width));
        block = registerModule("block", new TransformerBlock(width, heads, 2 * width, 0.0, init));
        head = config == null ? null : registerModule("mlp", new MlpEncoder(width, config, init));
    }

    @Override
    public Tensor forward(Tensor x) {
        long b = x.size(0), t = x.size(1);
        Tensor mask = SequencePooling.mask(x, features);
        Tensor h = project.forward(x.narrow(2, 0, features)).add(param("position").narrow(0, 0, t));
        Tensor empty = SequencePooling.lengths(x, features).lt(0.5).to(mask.dtype()).unsqueeze(1);
        Tensor keep = mask.add(empty).gt(0.5).reshape(b, 1, 1, t);
        Tensor pooled = SequencePooling.maskedMean(block.forward(h, keep), mask);
        return head == null ? pooled : head.forward(pooled);
    }

    @Override
    public int featureDim() {
        return head == null ? width : head.featureDim();
    }
}
