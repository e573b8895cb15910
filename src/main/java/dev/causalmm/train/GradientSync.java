package dev.causalmm.train;

import dev.causalmm.engine.Tensor;
import java.util.List;

/**
 * The trainer's seam to the other processes of a data-parallel run. {@link #afterBackward} is
 * called after every backward pass, before clipping and the optimizer step: the place where
 * gradients are averaged across processes (an all-reduce over LibTorch's c10d Gloo/NCCL process
 * groups, {@code dev.causalmm.dist}). The other methods let the trainer start every rank from the
 * same weights, shard the data, and agree on metrics. A single process needs none of it, hence
 * {@link #LOCAL}, whose defaults are the identities of a world of one.
 */
@FunctionalInterface
public interface GradientSync {
    void afterBackward(List<Tensor> parameters);

    /**
     * As {@link #afterBackward(List)}, for a rank that computed its gradients as the mean over
     * {@code weight} of the global batch's rows (its shard's share): a multi-process sync sums
     * {@code weight × grad} over the ranks, which is the gradient of the global batch's mean loss
     * even when the shards differ in size.
     */
    default void afterBackward(List<Tensor> parameters, double weight) {
        afterBackward(parameters);
    }

    /** This process's rank, 0 … {@link #worldSize()} − 1. */
    default int rank() {
        return 0;
    }

    default int worldSize() {
        return 1;
    }

    /** The c10d backend's name as recorded in results ("none" for one process). */
    default String backend() {
        return "none";
    }

    /** Overwrites the tensors (in place, no autograd) on every rank with rank 0's values. */
    default void broadcastFromRoot(List<Tensor> tensors) {}

    /** Sums the tensor element-wise over all ranks, in place. */
    default void sumAcrossRanks(Tensor t) {}

    /** Takes the element-wise minimum over all ranks, in place. */
    default void minAcrossRanks(Tensor t) {}

    /** One process: gradients are already complete. */
    GradientSync LOCAL = params -> {};
}
