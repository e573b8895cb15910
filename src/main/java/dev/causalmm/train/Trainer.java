package dev.causalmm.train;

import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.Batch;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.nn.MultimodalModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Trains a {@link TrainingTask}: epochs of the task's forward and loss → backward → the task's
 * gradient hook (sync, regulariser) → clipping → optimizer step, then validation, LR schedule
 * ({@link LrScheduler}, per epoch or per step as the task counts), early stopping
 * ({@link EarlyStopping}), the divergence check ({@link DivergenceCheck}) and a checkpoint per
 * epoch ({@link TrainerState} in {@link Checkpoint}'s format, stored where the task says). A run
 * is {@code epochs} epochs or a step budget ({@link TrainConfig#withStepBudget}); a listener may
 * stop it early ({@link TrainingListener#stopRequested}). Classification, a {@link MultimodalModel}
 * plus an optional {@link Regularizer}, is {@link #fit(MultimodalModel, Regularizer,
 * MultimodalDataset, MultimodalDataset)}.
 *
 * <p>Reproducibility: LibTorch's generator is re-seeded from (seed, epoch) at the start of every
 * epoch and the loader's shuffle is seeded the same way, so a run resumed from the checkpoint of
 * epoch e replays epochs e+1… exactly as the uninterrupted run would (on CPU, same thread count),
 * except for regularisers with running state outside their parameters (PMR's prototypes, docs/methods.md).
 * A run stopped part way through an epoch resumes at its next step. The per-step loop reads
 * nothing back from the device; losses and accuracy accumulate on the device ({@link EpochMeter})
 * and are read once per epoch (or when a progress bar asks).
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
        return fit(new ClassificationTask(config, model, regularizer, train, val, gradientSync));
    }

    /** Trains {@code task} (its parameters already on {@code config.device()}) with this trainer's configuration and listeners. */
    public TrainResult fit(TrainingTask task) {
        try (Optimizer optimizer = new Optimizer(config.optimizer(), new ArrayList<>(task.parameters().values()))) {
            return new Run(task, optimizer).fit();
        }
    }

    /** One call of {@link #fit(TrainingTask)}: its task, optimizer and the pieces that track the run. */
    private final class Run {
        private final TrainingTask task;
        private final Optimizer optimizer;
        private final Map<String, Tensor> params;
        private final List<Tensor> paramList;
        private final int perEpoch;
        private final long totalSteps;
        private final int epochs;
        private final boolean perStep;
        private final LrScheduler scheduler;
        private final EarlyStopping stopping = new EarlyStopping(config.earlyStopPatience(), config.restoreBest());
        private final List<EpochMetrics> history = new ArrayList<>();
        private final Checkpoints store;
        private long step;
        private boolean stopRequested;

        Run(TrainingTask task, Optimizer optimizer) {
            this.task = task;
            this.optimizer = optimizer;
            this.params = task.parameters();
            this.paramList = new ArrayList<>(params.values());
            this.perEpoch = task.stepsPerEpoch();
            this.totalSteps = config.byStepBudget() ? config.stepBudget() : (long) config.epochs() * perEpoch;
            this.epochs = config.byStepBudget() ? (int) Math.min(Integer.MAX_VALUE, (totalSteps + perEpoch - 1) / perEpoch) : config.epochs();
            this.perStep = task.scheduleUnit() == TrainingTask.ScheduleUnit.STEP;
            this.scheduler = new LrScheduler(config.schedule(), config.optimizer().lr(),
                    perStep ? (int) Math.min(Integer.MAX_VALUE, totalSteps) : epochs);
            this.store = task.checkpoints();
        }

        TrainResult fit() {
            long t0 = System.nanoTime();
            long first = resume();
            int startEpoch = (int) (first / perEpoch);
            if (gradientSync.worldSize() > 1) startInSync(params, startEpoch);
            task.onStart(first);
            for (TrainingListener l : listeners) l.onTrainStart(config, perEpoch);
            if (first > 0) for (TrainingListener l : listeners) l.onResume(startEpoch, store.last());
            boolean stoppedEarly = false;
            for (int epoch = startEpoch; epoch < epochs && step < totalSteps; epoch++) {
                if (stopping.exhausted()) {
                    stoppedEarly = true;
                    break;
                }
                double lr = scheduler.rateFor(perStep ? (int) step : epoch);
                optimizer.setLearningRate(lr);
                int from = epoch == startEpoch ? (int) (first - (long) startEpoch * perEpoch) : 0;
                endEpoch(epoch, runEpoch(epoch, lr, from));
                if (stopRequested) break;
            }
            if (stopRequested || stopping.exhausted() && history.size() < epochs) stoppedEarly = true;
            stopping.restoreBest(params, history.size() - 1);
            TrainResult result = new TrainResult(history, Math.max(stopping.bestEpoch(), 0), stoppedEarly, (System.nanoTime() - t0) / 1e9,
                    startEpoch - 1);
            for (TrainingListener l : listeners) l.onTrainEnd(result);
            return result;
        }

        /**
         * Restores the last checkpoint when resuming; returns the first step to take (0 for a fresh
         * run). A checkpoint of an epoch cut short (its metrics recorded past the last complete
         * epoch) continues inside that epoch.
         */
        private long resume() {
            if (!config.resume() || store == null || !store.hasLast()) return 0;
            Checkpoint ck = store.readLast();
            task.beforeResume(ck, store.last());
            ck.restoreInto(params, store.last().toString());
            optimizer.loadState(ck.optimizerState());
            TrainerState st = TrainerState.fromJson(ck.state());
            st.checkCompatible(config, store.last());
            scheduler.restore(st.scheduler());
            stopping.restore(st, stopping.keepsBest() && st.bestEpoch() >= 0 ? store.readBestWeights() : null);
            long next = (long) (st.epoch() + 1) * perEpoch;
            for (EpochMetrics m : st.history()) {
                if (m.epoch() <= st.epoch()) history.add(m);
                else if (st.step() > next && st.step() < next + perEpoch) next = st.step();   // the cut-short epoch, trained again from its step
            }
            step = next;
            task.afterResume(st, store.last());
            return next;
        }

        /** Records an epoch: history, schedule, best epoch, listeners, then its checkpoint. */
        private void endEpoch(int epoch, EpochMetrics m) {
            history.add(m);
            scheduler.observe(m.selectionScore());
            boolean improved = stopping.observe(epoch, m.selectionScore(), params);
            // listeners first: an epoch's metric row is written before its checkpoint, so a run resumed from
            // that checkpoint finds every row up to it (and drops rows of epochs that never reached one)
            for (TrainingListener l : listeners) l.onEpochEnd(m);
            if (store != null && gradientSync.rank() == 0) { // rank 0 alone writes: the checkpoint holds the global state
                int complete = stopRequested && step < (long) (epoch + 1) * perEpoch ? epoch - 1 : epoch;
                TrainerState st = new TrainerState(complete, step, config.seed(), config.epochs(), config.optimizer().kind().name(),
                        scheduler.state(), stopping.bestVal(), stopping.bestEpoch(), stopping.badEpochs(), history).withTask(task.state());
                store.save(Checkpoint.capture(params, optimizer.saveState(), st.toJson()), improved && stopping.keepsBest());
            }
        }

        /** Steps this epoch takes: a full epoch, fewer in the last epoch of a step budget. */
        private int stepsOf(int epoch) {
            if (!config.byStepBudget()) return perEpoch;
            return (int) Math.min(perEpoch, totalSteps - (long) epoch * perEpoch);
        }

        private EpochMetrics runEpoch(int epoch, double lr, int from) {
            Engine.seed(config.seed() * 1_000_003L + epoch + replicaStream(gradientSync.rank()));
            task.startEpoch(epoch);
            for (TrainingListener l : listeners) l.onEpochStart(epoch, epochs);
            long start = System.nanoTime();
            int steps = stepsOf(epoch);
            try (var epochScope = TensorScope.open("epoch"); var batches = task.batches(epoch, from, steps)) {
                EpochMeter meter = new EpochMeter(config.device());
                for (int i = from; i < steps && batches.hasNext(); i++) {
                    task.startStep(step, totalSteps);
                    try (var stepScope = TensorScope.open("step"); Batch b = batches.next()) {
                        trainStep(b, meter, epoch, stepScope);
                    }
                    step++;
                    task.afterStep(step - 1, optimizer.learningRate());
                    for (TrainingListener l : listeners) l.onBatchEnd(epoch, i, steps, meter.seen(), meter::runningLoss);
                    if (step < totalSteps && listeners.stream().anyMatch(TrainingListener::stopRequested)) {
                        stopRequested = true;
                        break;
                    }
                }
                if (gradientSync.worldSize() > 1) meter.sumAcrossRanks(gradientSync);
                EpochMeter.Totals t = meter.totals();
                DivergenceCheck.check(t, epoch, steps, lr, config.seed(), listeners);
                double seconds = (System.nanoTime() - start) / 1e9;
                EvalResult r = task.validate();
                return new EpochMetrics(epoch, t.loss(), t.accuracy(), r == null ? Double.NaN : r.loss(),
                        r == null ? Double.NaN : r.accuracy(), lr, seconds, t.seen(), t.terms());
            }
        }

        /**
         * One optimizer step on {@code b}: the task's forward and losses, backward, the task's
         * gradient hook (sync, regulariser), clipping, the update (at the step's rate when the
         * schedule counts steps). Reads nothing back.
         */
        private void trainStep(Batch b, EpochMeter meter, int epoch, TensorScope stepScope) {
            if (perStep) optimizer.setLearningRate(scheduler.rateFor((int) Math.min(Integer.MAX_VALUE, step)));
            TrainingTask.Step s = task.forward(b, epoch, step);
            if (!s.terms().isEmpty()) meter.addTerms(s.terms(), s.share(), stepScope);
            Tensor loss = s.loss();
            loss.backward();
            task.afterBackward();
            if (config.gradClipNorm() > 0) Functional.clipGradNorm(paramList, config.gradClipNorm());
            optimizer.step();
            optimizer.zeroGrad();
            meter.addStep(loss, s.logits(), s.labels(), s.rows());
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
