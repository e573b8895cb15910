package dev.causalmm.data;

import java.lang.foreign.MemorySegment;

/**
 * Where a dataset writes one sample: straight into the off-heap batch buffer, so decoding on a
 * loader thread needs no intermediate copy.
 */
public interface SampleWriter {
    /**
     * Slot of modality {@code k} for this sample: {@link ModalitySpec#sampleBytes()} bytes in the
     * modality's {@link ModalitySpec#storage() storage type} (float32 features, uint8 pixels, int32 word ids).
     */
    MemorySegment modality(int k);

    /** The class label of a classification sample. */
    void label(long label);

    /**
     * The target of a regression sample: {@link Task.Regression#dims()} values. Writers that only
     * carry class labels refuse it.
     */
    default void target(float... values) {
        throw new UnsupportedOperationException(getClass().getName() + " takes class labels only, not regression targets");
    }

    /** Marks modality {@code k} missing (present by default); its slot should then hold zeros. */
    void missing(int k);
}
