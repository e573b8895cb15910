package dev.causalmm.nn;

import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;

/**
 * A learned table of {@code vocab×dim} vectors looked up by int64 id. The padding row
 * ({@link ModalitySpec#PAD}) starts at zero and is never updated by the lookup's gradient.
 */
public final class Embedding extends Module {
    private final int dim;
    private final boolean zeroPadding;

    /** @param std standard deviation of the normal initialisation (1 as PyTorch, 0.02 as BERT) */
    public Embedding(int vocab, int dim, double std, boolean zeroPadding, Init init) {
        Init.require(init, "Embedding(" + vocab + ", " + dim + ")");
        if (vocab <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding(" + vocab + ", " + dim + "): sizes must be > 0");
        this.dim = dim;
        this.zeroPadding = zeroPadding;
        Tensor w = init.normal(std, vocab, dim);
        if (zeroPadding) {
            try (var s = TensorScope.open("init")) {
                w.narrow(0, ModalitySpec.PAD, 1).zero_();
            }
        }
        registerParameter("weight", w);
    }

    /** ids (int64, any shape) → {@code ids.shape × dim}. */
    public Tensor forward(Tensor ids) {
        return zeroPadding ? Functional.embedding(param("weight"), ids, ModalitySpec.PAD) : Functional.embedding(param("weight"), ids);
    }

    public Tensor weight() {
        return param("weight");
    }

    public int dim() {
        return dim;
    }
}
