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

    void label(long label);

    /** Marks modality {@code k} missing (present by default); its slot should then hold zeros. */
    void missing(int k);
}
