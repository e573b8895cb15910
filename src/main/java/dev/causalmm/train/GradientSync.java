package dev.causalmm.train;

import dev.causalmm.engine.Tensor;
import java.util.List;

/**
 * Called after every backward pass, before clipping and the optimizer step: the place where a
 * data-parallel run averages gradients across processes (an all-reduce over LibTorch's c10d
 * Gloo/NCCL process groups). A single process needs nothing, hence {@link #LOCAL}.
 */
@FunctionalInterface
public interface GradientSync {
    void afterBackward(List<Tensor> parameters);

    /** One process: gradients are already complete. */
    GradientSync LOCAL = params -> {};
}
