package dev.causalmm.train;

import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Autocast;
import dev.causalmm.engine.Precision;
import dev.causalmm.engine.Tensor;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification as a {@link TrainingTask}: a {@link MultimodalModel} plus an optional
 * {@link Regularizer} on shuffled epochs of a {@link MultimodalDataset} (this rank's shard of each
 * global batch), validation by an {@link Evaluator}, checkpoints in a {@link CheckpointStore}.
 * Under {@link Precision#BF16} the forward pass and the losses run in an {@link Autocast} region.
 */
final class ClassificationTask implements TrainingTask {
    private final TrainConfig config;
    private final MultimodalModel model;
    private final Regularizer regularizer;
    private final GradientSync sync;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final List<Tensor> paramList;
    private final DataLoader loader;
    private final Evaluator validation;
    private final CheckpointStore store;
    /** The step within the epoch of the next batch, and this rank's share of the current one. */
    private int stepInEpoch;
    private double share;

    /** Moves the model and the regulariser to the device and binds the regulariser; the engine is configured already. */
    ClassificationTask(TrainConfig config, MultimodalModel model, Regularizer regularizer, MultimodalDataset train, MultimodalDataset val,
                       GradientSync sync) {
        this.config = config;
        this.model = model;
        this.regularizer = regularizer;
        this.sync = sync;
        model.to(config.device());
        regularizer.observeData(train, val);
        regularizer.bind(model, config.seed());
        regularizer.to(config.device());
        int world = sync.worldSize();
        if (world > 1) regularizer.replica(sync.rank(), world);
        params.putAll(model.namedParameters());
        regularizer.namedParameters().forEach((k, v) -> params.put("regularizer." + k, v));
        paramList = new ArrayList<>(params.values());
        // config.batchSize() is per rank: the global batch is batchSize × world, of which each rank loads its shard
        loader = new DataLoader(train, new DataLoader.Options(config.batchSize() * world, true, false,
                config.prefetch(), config.seed(), config.device()).shard(sync.rank(), world));
        // one evaluator (one loader, one set of batch buffers) for every epoch's validation
        validation = val != null && val.size() > 0 ? new Evaluator(val, Math.max(config.batchSize(), 512), config.device()) : null;
        store = config.checkpointDir() == null ? null : new CheckpointStore(config.checkpointDir());
    }

    @Override
    public Map<String, Tensor> parameters() {
        return params;
    }

    @Override
    public int stepsPerEpoch() {
        return loader.batchesPerEpoch();
    }

    /** The epoch's shuffled batches; a run resumed part way through an epoch skips the batches it already took. */
    @Override
    public DataLoader.Epoch batches(int epoch, int firstStep, int steps) {
        DataLoader.Epoch e = loader.epoch(epoch);
        for (int i = 0; i < firstStep && e.hasNext(); i++) e.next().close();
        stepInEpoch = firstStep;
        return e;
    }

    @Override
    public void startEpoch(int epoch) {
        model.setTraining(true);
        model.startEpoch(epoch);
    }

    @Override
    public void startStep(long step, long totalSteps) {
        model.startStep(step, totalSteps);
    }

    /** Forward and losses (under autocast in bf16), this rank holding {@code share} of the global batch. Reads nothing back. */
    @Override
    public Step forward(Batch b, int epoch, long step) {
        share = (double) b.size() / loader.globalRows(stepInEpoch++);
        ForwardOutput out;
        Tensor loss;
        Regularizer.Output reg;
        try (var ac = config.precision() == Precision.BF16 ? Autocast.bf16(config.device()) : null) {
            out = model.forward(b.inputs(), b.maskOrNull());
            // dataset indices (uploaded with the batch) only for models that keep per-sample state
            loss = model.loss(out, b.labels(), model.usesSampleIndices() ? b.indexTensor() : null);
            reg = regularizer.compute(model, out, b.labels(), epoch);
        }
        if (reg != null) loss = loss.add(reg.loss());
        return new Step(loss, out.logits(), b.labels(), b.size(), reg == null ? Map.of() : reg.terms(), share);
    }

    @Override
    public void afterBackward() {
        sync.afterBackward(paramList, share);
        regularizer.afterBackward(model);
    }

    @Override
    public EvalResult validate() {
        return validation == null ? null : validation.evaluate(model);
    }

    @Override
    public Checkpoints checkpoints() {
        return store;
    }
}
