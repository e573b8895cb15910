package dev.causalmm.data;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Tensor;

/**
 * The tensors a batch carries, and the one rule for the element type each has when the model reads
 * it: a modality stored compactly (uint8 pixels, int32 word ids) is widened to float32 on the
 * batch's device; class labels and row indices stay int64 ({@code cross_entropy}'s targets and
 * {@code index_add_}'s index must be integers), regression targets stay float32 (by the dataset's
 * {@link Task#labelStorage()}); the mask stays float32. The CPU path and the CUDA
 * side-stream upload both apply it through {@link #asModel}, so they cannot disagree
 * (docs/loader.md).
 */
enum BatchField {
    /** A modality's values: float32, uint8 or int32 in the buffer, float32 for the model. */
    INPUT,
    /** Which modalities each row has (B×K, 0/1): float32. */
    MASK,
    /** Class labels (classification): int64. */
    LABELS,
    /** Regression targets ({@code B×dims}): float32. */
    TARGETS,
    /** The rows' dataset indices (per-sample state of a model): int64. */
    INDICES;

    /** The field a batch's labels travel as: {@link #LABELS} for classification, {@link #TARGETS} for regression. */
    public static BatchField labelsOf(Task task) {
        return task instanceof Task.Regression ? TARGETS : LABELS;
    }

    /**
     * The element type the model reads for this field when the loader stores it as {@code storage}.
     *
     * @throws IllegalArgumentException when this field is never stored as {@code storage}
     */
    public DType modelDType(DType storage) {
        DType model = switch (this) {
            case INPUT -> storage == DType.FLOAT32 || storage == DType.UINT8 || storage == DType.INT32 ? DType.FLOAT32 : null;
            case MASK -> storage == DType.FLOAT32 ? DType.FLOAT32 : null;
            case LABELS, INDICES -> storage == DType.INT64 ? DType.INT64 : null;
            case TARGETS -> storage == DType.FLOAT32 ? DType.FLOAT32 : null;
        };
        if (model == null) {
            throw new IllegalArgumentException("batch field " + this + " cannot be stored as " + storage + " (the loader stores "
                    + switch (this) {
                        case INPUT -> "modalities as float32, uint8 or int32";
                        case MASK -> "the mask as float32";
                        case LABELS, INDICES -> "labels and row indices as int64";
                        case TARGETS -> "regression targets as float32";
                    } + ")");
        }
        return model;
    }

    /**
     * {@code placed} (this field as stored, already on the batch's device) as the model reads it:
     * itself, or its cast, in which case {@code placed} is closed.
     */
    Tensor asModel(Tensor placed, DType storage) {
        DType model = modelDType(storage);
        if (placed.dtype() == model) return placed;
        try {
            return placed.to(model);
        } finally {
            placed.close();
        }
    }
}
