package dev.causalmm.data;

import dev.causalmm.engine.DType;
import dev.causalmm.engine.Tensor;
import java.util.List;

/**
 * One batch as tensors: inputs per modality ({@code B×shape}), availability mask {@code B×K}
 * (float, 1 = present), labels (int64 {@code B} for classification, float32 {@code B×dims} for
 * regression: {@link Task}) and the dataset indices of the rows.
 * On CPU the tensors are views of one of the loader's pooled buffers. Closing the batch frees the
 * tensors; the buffer goes back to the loader only when LibTorch has freed every tensor over it, so
 * a view kept past close (a reshape, an input autograd saved) keeps its values, but holds the
 * buffer: the loader has {@code prefetch + 2} of them, so keep few, or copy ({@code clone_()}).
 */
public final class Batch implements AutoCloseable {
    private final List<Tensor> inputs;
    /** Null when the loader skipped it (every modality present); {@link #mask()} then makes ones. */
    private Tensor mask;
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
    /**
     * The availability mask. When every modality of every row is present the loader neither wraps
     * nor uploads one; this then makes an all-ones mask on the batch's device, on first use. Models
     * take {@link #maskOrNull()} instead and skip their masking kernels.
     */
    public Tensor mask() {
        // unscoped: it lives as long as the batch (close() frees it), not as long as the caller's scope
        if (mask == null) mask = Tensor.ones(DType.FLOAT32, labels.device(), indices.length, inputs.size()).unscoped();
        return mask;
    }

    /**
     * The mask, or {@code null} when every modality of every row is present (known on the loader
     * thread for free), which lets models and regularisers skip their masking kernels.
     */
    public Tensor maskOrNull() { return allPresent ? null : mask(); }
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
        if (mask != null) mask.close();
        labels.close();
        if (indexTensor != null) indexTensor.close();
        onClose.run();
    }
}
