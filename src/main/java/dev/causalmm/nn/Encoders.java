package dev.causalmm.nn;

import dev.causalmm.data.ModalitySpec;

/** Picks the encoder a modality's kind calls for. */
public final class Encoders {
    private Encoders() {}

    /**
     * Features: the MLP of {@code config}; images: {@link ImageEncoder}; tokens:
     * {@link BagOfWordsEncoder} — the latter two end in the same MLP, so every fusion model and
     * regulariser sees features of {@code config.featureDim()} whatever the modality.
     */
    public static ModalityEncoder create(ModalitySpec spec, EncoderConfig config, Init init) {
        return switch (spec.kind()) {
            case FEATURES -> new MlpEncoder((int) spec.elementCount(), config, init);
            case IMAGE -> new ImageEncoder((int) spec.shape()[0], config, init);
            case TOKENS -> new BagOfWordsEncoder(spec.vocabSize(), BagOfWordsEncoder.DEFAULT_DIM, config, init);
        };
    }

    /**
     * The raw representation ConcatBow concatenates (spec §5.3): features as they are, an image's
     * pooled CNN regions, a text's summed word embeddings — no MLP.
     */
    public static ModalityEncoder raw(ModalitySpec spec, Init init) {
        return switch (spec.kind()) {
            case FEATURES -> new IdentityEncoder((int) spec.elementCount());
            case IMAGE -> new ImageEncoder((int) spec.shape()[0], null, init);
            case TOKENS -> new BagOfWordsEncoder(spec.vocabSize(), BagOfWordsEncoder.DEFAULT_DIM, null, init);
        };
    }

    /** Passes a flat feature vector through unchanged. */
    static final class IdentityEncoder extends ModalityEncoder {
        private final int dim;

        IdentityEncoder(int dim) {
            this.dim = dim;
        }

        @Override
        public dev.causalmm.engine.Tensor forward(dev.causalmm.engine.Tensor x) {
            return x.reshape(x.size(0), dim);
        }

        @Override
        public int featureDim() {
            return dim;
        }
    }
}
