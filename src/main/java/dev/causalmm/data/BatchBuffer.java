package dev.causalmm.data;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Off-heap storage for one batch: a block per modality in its storage type (float32 features,
 * uint8 pixels, int32 word ids), int64 labels and a float32
 * availability mask. Loader threads fill it; the consuming thread wraps it as tensors without a copy.
 * Buffers are pooled and reused, so a buffer is never written while its tensors are in use.
 */
final class BatchBuffer {
    final int capacity;
    final MemorySegment[] modalities;
    final long[] rowBytes;
    final MemorySegment labels;
    /** The rows' dataset indices as int64, uploaded with the batch. */
    final MemorySegment indexRows;
    final MemorySegment mask;
    final int[] indices;
    int rows;
    /** Set by a loader thread when any row of this batch lacks a modality. */
    volatile boolean anyMissing;

    BatchBuffer(Arena arena, List<ModalitySpec> specs, int capacity) {
        this.capacity = capacity;
        int k = specs.size();
        modalities = new MemorySegment[k];
        rowBytes = new long[k];
        for (int m = 0; m < k; m++) {
            rowBytes[m] = specs.get(m).sampleBytes();
            modalities[m] = arena.allocate(rowBytes[m] * capacity, 64);
        }
        labels = arena.allocate((long) Long.BYTES * capacity, 64);
        indexRows = arena.allocate((long) Long.BYTES * capacity, 64);
        mask = arena.allocate((long) Float.BYTES * capacity * k, 64);
        indices = new int[capacity];
    }

    /** A writer positioned at {@code row}; marks every modality present until told otherwise. */
    SampleWriter row(int row) {
        int k = modalities.length;
        for (int m = 0; m < k; m++) mask.setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * k + m, 1f);
        return new SampleWriter() {
            @Override
            public MemorySegment modality(int m) {
                return modalities[m].asSlice(rowBytes[m] * row, rowBytes[m]);
            }

            @Override
            public void label(long label) {
                labels.setAtIndex(ValueLayout.JAVA_LONG, row, label);
            }

            @Override
            public void missing(int m) {
                anyMissing = true;
                mask.setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * k + m, 0f);
            }
        };
    }
}
