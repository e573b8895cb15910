package dev.causalmm.train;

import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Autocast;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Precision;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Trains a {@link MultimodalModel} plus an optional {@link Regularizer}: epochs of
 * forward → base loss + regulariser loss → backward → gradient sync → clipping → optimizer step,
 * then validation, LR schedule, early stopping and a checkpoint per epoch (files:
 * {@link CheckpointStore}; format: {@link Checkpoint}). Under
 * {@link Precision#BF16} the forward pass and the losses run in an {@link Autocast} region.
 *
 * <p>Reproducibility: LibTorch's generator is re-seeded from (seed, epoch) at the start of every
 * epoch and the loader's shuffle is seeded the same way, so a run resumed from the checkpoint of
 * epoch e replays epochs e+1… exactly as the uninterrupted run would (on CPU, same thread count).
 * The per-step loop reads nothing back from the device; losses and accuracy accumulate on the
 * device and are read once per epoch (or when a progress bar asks).
 */
public final class Trainer {
    private final TrainConfig config;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private GradientSync gradientSync = GradientSync.LOCAL;

    public Trainer(TrainConfig config) {
        this.config = config;
    }

    public TrainConfig config() {
        return config;
    }

    public Trainer addListener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    public Trainer gradientSync(GradientSync sync) {
        this.gradientSync = sync;
        return this;
    }

    /** Trains without a regulariser. */
    public TrainResult fit(MultimodalModel model, MultimodalDataset train, MultimodalDataset val) {
        return fit(model, Regularizer.NONE, train, val);
    }

    /**
     * @param val validation data for metrics, plateau schedule, early stopping and best-epoch
     *            selection; may be null
     */
    public TrainResult fit(MultimodalModel model, Regularizer regularizer, MultimodalDataset train, MultimodalDataset val) {
        Engine.init();
        Engine.configure(config.precision(), config.device());
        Engine.seed(config.seed());
        model.to(config.device());
        regularizer.observeData(train, val);
        regularizer.bind(model, config.seed());
        regularizer.to(config.device());
        int world = gradientSync.worldSize();
        if (world > 1) regularizer.replica(gradientSync.rank(), world);
        Map<String, Tensor> params = new LinkedHashMap<>(model.namedParameters());
        regularizer.namedParameters().forEach((k, v) -> params.put("regularizer." + k, v));
        // config.batchSize() is per rank: the global batch is batchSize × world, of which each rank loads its shard
        DataLoader loader = new DataLoader(train, new DataLoader.Options(config.batchSize() * world, true, false,
                config.prefetch(), config.seed(), config.device()).shard(gradientSync.rank(), world));
        // one evaluator (one loader, one set of batch buffers) for every epoch's validation
        Evaluator validation = val != null && val.size() > 0 ? new Evaluator(val, Math.max(config.batchSize(), 512), config.device()) : null;
        try (Optimizer optimizer = new Optimizer(config.optimizer(), new ArrayList<>(params.values()))) {
            Run run = new Run(model, regularizer, loader, optimizer, params, validation, plannedEpochs(loader));
            return run.fit();
        }
    }

    /** Epochs the run takes: {@code epochs}, or as many as the step budget needs. */
    private int plannedEpochs(DataLoader loader) {
        if (!config.byStepBudget()) return config.epochs();
        return (int) Math.min(Integer.MAX_VALUE, (config.stepBudget() + loader.batchesPerEpoch() - 1) / loader.batchesPerEpoch());
    }

    /** One call of {@link #fit}: its model, data, optimizer and the pieces that track the run. */
    private final class Run {
        private final MultimodalModel model;
        private final Regularizer regularizer;
        private final DataLoader loader;
        private final Optimizer optimizer;
        private final Map<String, Tensor> params;
        private final List<Tensor> paramList;
        private final Evaluator validation;
        private final int epochs;
        private final LrScheduler scheduler;
        private final EarlyStopping stopping = new EarlyStopping(config.earlyStopPatience(), config.restoreBest());
        private final List<EpochMetrics> history = new ArrayList<>();
        private final CheckpointStore store = config.checkpointDir() == null ? null : new CheckpointStore(config.checkpointDir());
        private long step;

        Run(MultimodalModel model, Regularizer regularizer, DataLoader loader, Optimizer optimizer, Map<String, Tensor> params,
            Evaluator validation, int epochs) {
            this.model = model;
            this.regularizer = regularizer;
            this.loader = loader;
            this.optimizer = optimizer;
            this.params = params;
            this.paramList = new ArrayList<>(params.values());
            this.validation = validation;
            this.epochs = epochs;
            this.scheduler = new LrScheduler(config.schedule(), config.optimizer().lr(), epochs);
        }

        TrainResult fit() {
            long t0 = System.nanoTime();
            int startEpoch = resume();
            if (gradientSync.worldSize() > 1) startInSync(params, startEpoch);
            for (TrainingListener l : listeners) l.onTrainStart(config, loader.batchesPerEpoch());
            if (startEpoch > 0) for (TrainingListener l : listeners) l.onResume(startEpoch, store.last());
            boolean stoppedEarly = false;
            for (int epoch = startEpoch; epoch < epochs; epoch++) {
                if (stopping.exhausted()) {
                    stoppedEarly = true;
                    break;
                }
                double lr = scheduler.rateFor(epoch);
                optimizer.setLearningRate(lr);
                endEpoch(epoch, runEpoch(epoch, lr));
            }
            if (stopping.exhausted() && history.size() < epochs) stoppedEarly = true;
            stopping.restoreBest(params, history.size() - 1);
            TrainResult result = new TrainResult(history, Math.max(stopping.bestEpoch(), 0), stoppedEarly, (System.nanoTime() - t0) / 1e9,
                    startEpoch - 1);
            for (TrainingListener l : listeners) l.onTrainEnd(result);
            return result;
        }

        /** Restores the last checkpoint when resuming; returns the first epoch to train (0 for a fresh run). */
        private int resume() {
            if (!config.resume() || store == null || !store.hasLast()) return 0;
            Checkpoint ck = store.readLast();
            ck.restoreInto(params, store.last().toString());
            optimizer.loadState(ck.optimizerState());
            TrainerState st = TrainerState.fromJson(ck.state());
            st.checkCompatible(config, store.last());
            scheduler.restore(st.scheduler());
            stopping.restore(st, stopping.keepsBest() && st.bestEpoch() >= 0 ? store.readBestWeights() : null);
            history.addAll(st.history());
            step = (long) (st.epoch() + 1) * loader.batchesPerEpoch();
            return st.epoch() + 1;
        }

        /** Records an epoch: history, schedule, best epoch, listeners, then its checkpoint. */
        private void endEpoch(int epoch, EpochMetrics m) {
            history.add(m);
            scheduler.observe(m.valAccuracy());
            boolean improved = stopping.observe(epoch, m.valAccuracy(), params);
            // listeners first: an epoch's metric row is written before its checkpoint, so a run resumed from
            // that checkpoint finds every row up to it (and drops rows of epochs that never reached one)
            for (TrainingListener l : listeners) l.onEpochEnd(m);
            if (store != null && gradientSync.rank() == 0) { // rank 0 alone writes: the checkpoint holds the global state
                TrainerState st = new TrainerState(epoch, step, config.seed(), config.epochs(), config.optimizer().kind().name(),
                        scheduler.state(), stopping.bestVal(), stopping.bestEpoch(), stopping.badEpochs(), history);
                store.save(Checkpoint.capture(params, optimizer.saveState(), st.toJson()), improved && stopping.keepsBest());
            }
        }

        /** Optimizer steps the whole run takes: the step budget, or epochs × batches per epoch. */
        private long plannedSteps() {
            return config.byStepBudget() ? config.stepBudget() : (long) epochs * loader.batchesPerEpoch();
        }

        /** Steps this epoch takes: the loader's batches, fewer in the last epoch of a step budget. */
        private int stepsOf(int epoch) {
            int full = loader.batchesPerEpoch();
            if (!config.byStepBudget()) return full;
            return (int) Math.min(full, config.stepBudget() - (long) epoch * full);
        }

        private EpochMetrics runEpoch(int epoch, double lr) {
            Engine.seed(config.seed() * 1_000_003L + epoch + replicaStream(gradientSync.rank()));
            model.setTraining(true);
            model.startEpoch(epoch);
            for (TrainingListener l : listeners) l.onEpochStart(epoch, epochs);
            long start = System.nanoTime();
            int steps = stepsOf(epoch);
            try (var epochScope = TensorScope.open("epoch"); var batches = loader.epoch(epoch)) {
                EpochMeter meter = new EpochMeter(config.device());
                for (int i = 0; i < steps && batches.hasNext(); i++) {
                    model.startStep(step, plannedSteps());
                    try (var stepScope = TensorScope.open("step"); Batch b = batches.next()) {
                        trainStep(b, (double) b.size() / loader.globalRows(i), meter, epoch, stepScope);
                    }
                    step++;
                    for (TrainingListener l : listeners) l.onBatchEnd(epoch, i, steps, meter.seen(), meter::runningLoss);
                }
                if (gradientSync.worldSize() > 1) meter.sumAcrossRanks(gradientSync);
                EpochMeter.Totals t = meter.totals();
                DivergenceCheck.check(t, epoch, steps, lr, config.seed(), listeners);
                double seconds = (System.nanoTime() - start) / 1e9;
                EvalResult r = validation == null ? null : validation.evaluate(model);
                return new EpochMetrics(epoch, t.loss(), t.accuracy(), r == null ? Double.NaN : r.loss(),
                        r == null ? Double.NaN : r.accuracy(), lr, seconds, t.seen(), t.terms());
            }
        }

        /**
         * One optimizer step on {@code b}, of which this rank holds {@code share} of the global batch
         * (its gradients and terms are weighted by it): forward and losses (under autocast in bf16),
         * backward, gradient sync, the regulariser's gradient hook, clipping, the update. Reads nothing back.
         */
        private void trainStep(Batch b, double share, EpochMeter meter, int epoch, TensorScope stepScope) {
            ForwardOutput out;
            Tensor loss;
            Regularizer.Output reg;
            try (var ac = config.precision() == Precision.BF16 ? Autocast.bf16(config.device()) : null) {
                out = model.forward(b.inputs(), b.maskOrNull());
                // dataset indices (uploaded with the batch) only for models that keep per-sample state
                loss = model.loss(out, b.labels(), model.usesSampleIndices() ? b.indexTensor() : null);
                reg = regularizer.compute(model, out, b.labels(), epoch);
            }
            if (reg != null) {
                loss = loss.add(reg.loss());
                meter.addTerms(reg.terms(), share, stepScope);
            }
            loss.backward();
            gradientSync.afterBackward(paramList, share);
            regularizer.afterBackward(model);
            if (config.gradClipNorm() > 0) Functional.clipGradNorm(paramList, config.gradClipNorm());
            optimizer.step();
            optimizer.zeroGrad();
            meter.addStep(loss, out.logits(), b.labels(), b.size());
        }
    }

    /**
     * LibTorch's generator stream of a rank within an epoch: 0 for rank 0 (a single process draws
     * exactly as before), a distinct offset for every other rank so that ranks do not repeat each
     * other's dropout masks on their different rows.
     */
    static long replicaStream(int rank) {
        return rank == 0 ? 0 : rank * 0x9E3779B97F4A7C15L;
    }

    /**
     * Starts every rank from rank 0's weights (fresh or resumed) and checks that all ranks resume
     * the same epoch: a rank that found no checkpoint (no shared filesystem) would otherwise train
     * with other optimizer state.
     */
    private void startInSync(Map<String, Tensor> params, int startEpoch) {
        try (var scope = TensorScope.open("dist-start"); var ng = dev.causalmm.engine.NoGrad.enter()) {
            List<Tensor> values = new ArrayList<>();
            for (Tensor p : params.values()) values.add(p.detach());
            gradientSync.broadcastFromRoot(values);
            Tensor epochs = Tensor.of(new long[] {startEpoch, -startEpoch}, 2).to(config.device());
            gradientSync.minAcrossRanks(epochs);
            long[] e = epochs.toLongArray();
            if (e[0] != startEpoch || -e[1] != startEpoch) {
                throw new IllegalArgumentException("rank " + gradientSync.rank() + " resumes at epoch " + startEpoch
                        + " but the ranks disagree (from epoch " + e[0] + " to " + (-e[1]) + "): every rank must read the same "
                        + "checkpoint folder (a shared filesystem for --out)");
            }
        }
    }
}
