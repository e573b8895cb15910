package dev.causalmm.nn;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Tensor;

/**
 * A text modality's encoder in the style of the papers' Bow baseline (spec §5.1): word embeddings
 * summed over the sequence (padding contributes zero), then (unless {@code config} is null) the
 * per-modality MLP. The reference uses frozen GloVe-840B vectors; without them the embeddings here
 * are learned from scratch (a deviation: no pretrained vectors ship with causalmm).
 */
final class BagOfWordsEncoder extends ModalityEncoder {
    /** Default embedding width. */
    public static final int DEFAULT_DIM = 64;
    private final Embedding embedding;
    private final MlpEncoder head;

    public BagOfWordsEncoder(int vocab, int dim, EncoderConfig config, Init init) {
        this.embedding = registerModule("embedding", new Embedding(vocab, dim, 1.0 / Math.sqrt(dim), true, init));
        this.head = config == null ? null : registerModule("mlp", new MlpEncoder(dim, config, init));
    }

    /** Token ids as float32 {@code B×L} (the loader's layout) → {@code B×featureDim}. */
    @Override
    public Tensor forward(Tensor ids) {
        Tensor bag = embedding.forward(ids.to(DType.INT64)).sum(1, false);
        return head == null ? bag : head.forward(bag);
    }

    @Override
    public int featureDim() {
        return head == null ? embedding.dim() : head.featureDim();
    }
}
