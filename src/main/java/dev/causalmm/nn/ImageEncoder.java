package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;

/**
 * An image modality's encoder: the {@link ImageTrunk}'s region vectors, flattened, then (unless
 * {@code config} is null) the per-modality MLP every feature modality gets.
 */
final class ImageEncoder extends ModalityEncoder {
    private final ImageTrunk trunk;
    private final MlpEncoder head;

    public ImageEncoder(int channels, EncoderConfig config, Init init) {
        this.trunk = registerModule("trunk", ImageTrunk.small(channels, init));
        this.head = config == null ? null : registerModule("mlp", new MlpEncoder(trunk.tokens() * trunk.width(), config, init));
    }

    @Override
    public Tensor forward(Tensor pixels) {
        Tensor t = trunk.forward(pixels);
        Tensor flat = t.reshape(t.size(0), (long) trunk.tokens() * trunk.width());
        return head == null ? flat : head.forward(flat);
    }

    @Override
    public int featureDim() {
        return head == null ? trunk.tokens() * trunk.width() : head.featureDim();
    }
}
