package dev.causalmm.causal;

import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Tensor;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.List;
import java.util.Map;

/**
 * A training-time term added to a model's own loss (spec §8 {@code AuxLoss}). Regularisers see
 * only the {@link MultimodalModel} seam (features, fused representation, classifier, fusion+head),
 * so each one plugs into every model. They may own parameters (an instrument, an auxiliary head);
 * the trainer optimises those together with the model's.
 */
public interface Regularizer extends AutoCloseable {

    /** The name used on the command line and in results. */
    String name();

    /**
     * The model to train and deploy with this regulariser: {@code model} itself, or a wrapper when
     * the method changes inference too (IMML re-weights the features). Call before {@link #bind}.
     *
     * @param seed seed of any parameters the wrapper adds (CmIR's invariant and spurious heads);
     *             they never come from LibTorch's global generator
     */
    default MultimodalModel adapt(MultimodalModel model, long seed) {
        return model;
    }

    /** Sees the training and validation data once before training (e.g. to pick a predominant modality). */
    default void observeData(MultimodalDataset train, MultimodalDataset val) {}

    /**
     * Creates any parameters sized for {@code model}, their initial values drawn from {@code seed};
     * called once before training ({@link dev.causalmm.train.Trainer} passes its own seed).
     */
    default void bind(MultimodalModel model, long seed) {}

    /** Moves own parameters to {@code device} (the trainer calls it after {@link #bind}). */
    default void to(Device device) {}

    /**
     * Tells the regulariser that it runs as rank {@code rank} of {@code worldSize} data-parallel
     * processes, each seeing its own shard of every batch: a regulariser that draws random numbers
     * per sample uses a stream of its own per rank (rank 0 keeps the single-process stream), so the
     * ranks do not repeat each other's draws.
     */
    default void replica(int rank, int worldSize) {}

    /** Own trainable parameters by name (empty for parameter-free regularisers). */
    default Map<String, Tensor> namedParameters() {
        return Map.of();
    }

    default List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /**
     * The extra loss for one batch.
     *
     * @param epoch 0-based epoch, for warm-ups
     */
    Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch);

    /**
     * Called by the trainer after every backward pass and gradient sync, before clipping and the
     * optimizer step: a regulariser that edits gradients (projects, rescales) does it here.
     */
    default void afterBackward(MultimodalModel model) {}

    @Override
    default void close() {
        namedParameters().values().forEach(Tensor::close);
    }

    /**
     * @param loss  scalar added to the base loss
     * @param terms named scalar parts, logged as training metrics (detached by the trainer)
     */
    record Output(Tensor loss, Map<String, Tensor> terms) {}

    /** No regularisation: plain empirical risk minimisation with the model's own loss. */
    Regularizer NONE = new Regularizer() {
        @Override public String name() { return "none"; }
        @Override public Output compute(MultimodalModel model, ForwardOutput out, Tensor labels, int epoch) { return null; }
        @Override public void close() {}
    };
}
