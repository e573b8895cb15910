package dev.causalmm.data;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.HostBuffers;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host storage for one batch, allocated once and reused: a block per modality in its storage type
 * (float32 features, uint8 pixels, int32 word ids), labels ({@link Task#labelStorage()}: int64 class
 * ids or float32 regression targets), int64 dataset indices and a
 * float32 availability mask, all slices of one allocation (pinned when batches go to a CUDA device).
 * Loader threads write samples straight into it; the consuming thread wraps it as tensors without
 * a copy.
 *
 * <p>A buffer goes back to its {@link BufferPool} only when nothing can read it any more: it counts
 * holds, one for the loader while it fills and hands out the batch (on CUDA: until the upload has
 * finished) and one per tensor wrapped over it, dropped when LibTorch frees that tensor's storage,
 * i.e. after the tensor and every view of it (reshapes, what autograd saved) are gone. So a view
 * kept past {@link Batch#close()} never sees its values overwritten by a later batch.
 */
final class BatchBuffer {
    final int capacity;
    final MemorySegment[] modalities;
    final long[] rowBytes;
    final MemorySegment labels;
    /** What the labels are: int64 class ids or {@code dims} float32 values per row. */
    final Task task;
    /** The rows' dataset indices as int64, uploaded with the batch. */
    final MemorySegment indexRows;
    final MemorySegment mask;
    final int[] indices;
    int rows;
    /** Set by a loader thread when any row of this batch lacks a modality. */
    volatile boolean anyMissing;

    private final BufferPool pool;
    private final AtomicInteger holds = new AtomicInteger();

    BatchBuffer(BufferPool pool, List<ModalitySpec> specs, Task task, int capacity, boolean pinned) {
        this.pool = pool;
        this.task = task;
        this.capacity = capacity;
        int k = specs.size();
        rowBytes = new long[k];
        long[] offsets = new long[k + 3];
        long end = 0;
        for (int m = 0; m < k; m++) {
            rowBytes[m] = specs.get(m).sampleBytes();
            offsets[m] = end;
            end = align(end + rowBytes[m] * capacity);
        }
        long[] tail = {task.labelBytes() * capacity, (long) Long.BYTES * capacity, (long) Float.BYTES * capacity * k};
        for (int i = 0; i < 3; i++) {
            offsets[k + i] = end;
            end = align(end + tail[i]);
        }
        MemorySegment all = HostBuffers.allocate(end, pinned);
        modalities = new MemorySegment[k];
        for (int m = 0; m < k; m++) modalities[m] = all.asSlice(offsets[m], rowBytes[m] * capacity);
        labels = all.asSlice(offsets[k], tail[0]);
        indexRows = all.asSlice(offsets[k + 1], tail[1]);
        mask = all.asSlice(offsets[k + 2], tail[2]);
        indices = new int[capacity];
    }

    private static long align(long n) {
        return (n + 63) & ~63L;
    }

    /** Called by the pool when it hands the buffer to a loader thread: the loader's hold. */
    void claim() {
        if (!holds.compareAndSet(0, 1)) throw new IllegalStateException("batch buffer handed out while still held (" + holds.get() + ")");
        anyMissing = false;
    }

    /** Drops one hold; the last one returns the buffer to the pool. Safe from any thread. */
    void release() {
        int left = holds.decrementAndGet();
        if (left == 0) pool.giveBack(this);
        else if (left < 0) throw new IllegalStateException("batch buffer released more often than held");
    }

    /** Current holds (tests and diagnostics). */
    int holds() {
        return holds.get();
    }

    /**
     * The first {@code rows}·{@code rowBytes} bytes of {@code region} as a tensor, without a copy; it
     * holds the buffer until LibTorch frees its storage.
     */
    Tensor wrap(MemorySegment region, long bytes, DType dtype, long... shape) {
        holds.incrementAndGet();
        try {
            return TensorMemory.fromSegment(region.asSlice(0, bytes), dtype, this::release, shape);
        } catch (RuntimeException | Error e) {
            release(); // fromSegment failed: its release action never runs
            throw e;
        }
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
                if (task instanceof Task.Regression) {
                    throw new IllegalStateException("the dataset declares a regression task but wrote a class label; write target(...)");
                }
                labels.setAtIndex(ValueLayout.JAVA_LONG, row, label);
            }

            @Override
            public void target(float... values) {
                if (!(task instanceof Task.Regression r)) {
                    throw new IllegalStateException("the dataset declares a classification task but wrote a regression target; write label(...)");
                }
                if (values.length != r.dims()) {
                    throw new IllegalArgumentException("regression target of " + values.length + " values; the task has " + r.dims());
                }
                MemorySegment.copy(values, 0, labels, ValueLayout.JAVA_FLOAT, (long) Float.BYTES * r.dims() * row, values.length);
            }

            @Override
            public void missing(int m) {
                anyMissing = true;
                mask.setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * k + m, 0f);
            }
        };
    }
}
