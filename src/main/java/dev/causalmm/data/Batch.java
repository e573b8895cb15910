package dev.causalmm.data;

import dev.causalmm.engine.Tensor;
import java.util.List;

/**
 * One batch as tensors: inputs per modality ({@code B×shape}), availability mask {@code B×K}
 * (float, 1 = present), labels {@code B} (int64) and the dataset indices of the rows.
 * On CPU the tensors alias the loader's off-heap buffer; closing the batch frees them and hands the
 * buffer back to the loader, so do not keep the batch's tensors (or views of them) past close.
 */
public final class Batch implements AutoCloseable {
    private final List<Tensor> inputs;
    private final Tensor mask;
    private final Tensor labels;
    private final int[] indices;
    private final boolean allPresent;
    private Tensor indexTensor;
    private final Runnable onClose;
    private boolean closed;

    Batch(List<Tensor> inputs, Tensor mask, Tensor labels, Tensor indexTensor, int[] indices, boolean allPresent, Runnable onClose) {
        this.inputs = List.copyOf(inputs);
        this.mask = mask;
        this.labels = labels;
        this.indexTensor = indexTensor;
        this.indices = indices;
        this.allPresent = allPresent;
        this.onClose = onClose;
    }

    /** A batch over tensors the caller owns (tests, custom pipelines); closing frees them. */
    public static Batch of(List<Tensor> inputs, Tensor mask, Tensor labels) {
        int n = (int) labels.size(0);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return new Batch(inputs, mask, labels, null, idx, false, () -> {});
    }

    public List<Tensor> inputs() { return inputs; }
    public Tensor mask() { return mask; }

    /**
     * The mask, or {@code null} when every modality of every row is present (known on the loader
     * thread for free), which lets models and regularisers skip their masking kernels.
     */
    public Tensor maskOrNull() { return allPresent ? null : mask; }
    public Tensor labels() { return labels; }
    public int size() { return indices.length; }

    /**
     * Dataset indices of the rows as an int64 tensor on the batch's device: uploaded with the batch
     * by the loader; made on first use for a batch built with {@link #of}.
     */
    public Tensor indexTensor() {
        if (indexTensor == null) {
            long[] idx = new long[indices.length];
            for (int i = 0; i < idx.length; i++) idx[i] = indices[i];
            Tensor cpu = Tensor.of(idx, idx.length);
            indexTensor = labels.device().isCuda() ? cpu.to(labels.device()) : cpu;
        }
        return indexTensor;
    }

    /** Dataset indices of the rows, in row order. */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        inputs.forEach(Tensor::close);
        mask.close();
        labels.close();
        if (indexTensor != null) indexTensor.close();
        onClose.run();
    }
}
