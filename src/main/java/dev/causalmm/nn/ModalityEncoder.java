package dev.causalmm.nn;

import dev.causalmm.engine.Tensor;

/**
 * Maps one modality's batch ({@code B×shape}, as the loader delivers it) to a feature
 * {@code B×featureDim}: the per-modality half of the {@link MultimodalModel} seam.
 */
public abstract class ModalityEncoder extends Module {
    public abstract Tensor forward(Tensor x);

    public abstract int featureDim();
}
