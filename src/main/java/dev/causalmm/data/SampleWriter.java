package dev.causalmm.data;

import java.lang.foreign.MemorySegment;

/**
 * Where a dataset writes one sample: straight into the off-heap batch buffer, so decoding on a
 * loader thread needs no intermediate copy.
 */
public interface SampleWriter {
    /** Float32 slot of modality {@code k} for this sample ({@code elementCount × 4} bytes). */
    MemorySegment modality(int k);

    void label(long label);

    /** Marks modality {@code k} missing (present by default); its slot should then hold zeros. */
    void missing(int k);
}
