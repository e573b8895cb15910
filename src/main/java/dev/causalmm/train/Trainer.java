package dev.causalmm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.data.Batch;
import dev.causalmm.data.DataLoader;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.DType;
import dev.causalmm.engine.Autocast;
import dev.causalmm.engine.Engine;
import dev.causalmm.engine.Functional;
import dev.causalmm.engine.Precision;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Tensor;
import dev.causalmm.engine.TensorScope;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.io.Json;
import dev.causalmm.nn.ForwardOutput;
import dev.causalmm.nn.MultimodalModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("causalmm.train");
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
        int rank = gradientSync.rank();
        int world = gradientSync.worldSize();
        if (world > 1) regularizer.replica(rank, world);
        Map<String, Tensor> params = new LinkedHashMap<>(model.namedParameters());
        regularizer.namedParameters().forEach((k, v) -> params.put("regularizer." + k, v));
        List<Tensor> paramList = new ArrayList<>(params.values());

        // config.batchSize() is per rank: the global batch is batchSize × world, of which each rank loads its shard
        DataLoader loader = new DataLoader(train, new DataLoader.Options(config.batchSize() * world, true, false,
                config.prefetch(), config.seed(), config.device()).shard(rank, world));
        // one evaluator (one loader, one set of batch buffers) for every epoch's validation
        Evaluator validation = val != null && val.size() > 0 ? new Evaluator(val, Math.max(config.batchSize(), 512), config.device()) : null;
        LrScheduler scheduler = new LrScheduler(config.schedule(), config.optimizer().lr(), config.epochs());
        List<EpochMetrics> history = new ArrayList<>();
        double bestVal = Double.NEGATIVE_INFINITY;
        int bestEpoch = -1;
        int badEpochs = 0;
        int startEpoch = 0;
        int resumedFrom = -1;
        Map<String, float[]> bestWeights = null;
        long t0 = System.nanoTime();

        try (Optimizer optimizer = new Optimizer(config.optimizer(), paramList)) {
            CheckpointStore store = config.checkpointDir() == null ? null : new CheckpointStore(config.checkpointDir());
            if (config.resume() && store != null && store.hasLast()) {
                Checkpoint ck = store.readLast();
                ck.restoreInto(params, store.last().toString());
                optimizer.loadState(ck.optimizerState());
                ObjectNode st = ck.state();
                checkCompatible(st, store.last());
                startEpoch = st.get("epoch").asInt() + 1;
                resumedFrom = startEpoch - 1;
                scheduler.restore(st.get("scheduler"));
                bestVal = st.get("bestVal").isNull() ? Double.NEGATIVE_INFINITY : st.get("bestVal").asDouble();
                bestEpoch = st.get("bestEpoch").asInt();
                badEpochs = st.get("badEpochs").asInt();
                for (JsonNode h : st.get("history")) history.add(fromJson(h));
                if (config.restoreBest() && bestEpoch >= 0) bestWeights = store.readBestWeights();
            }
            if (world > 1) startInSync(params, startEpoch);
            for (TrainingListener l : listeners) l.onTrainStart(config, loader.batchesPerEpoch());
            if (resumedFrom >= 0) for (TrainingListener l : listeners) l.onResume(startEpoch, store.last());
            boolean stoppedEarly = false;
            for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
                if (config.earlyStopPatience() > 0 && badEpochs >= config.earlyStopPatience()) {
                    stoppedEarly = true;
                    break;
                }
                double lr = scheduler.rateFor(epoch);
                optimizer.setLearningRate(lr);
                EpochMetrics m = runEpoch(model, regularizer, loader, optimizer, paramList, validation, epoch, lr);
                history.add(m);
                scheduler.observe(m.valAccuracy());
                double score = Double.isNaN(m.valAccuracy()) ? epoch : m.valAccuracy();
                boolean improved = score > bestVal;
                if (improved) {
                    bestVal = score;
                    bestEpoch = epoch;
                    badEpochs = 0;
                    if (config.restoreBest()) bestWeights = CheckpointStore.snapshot(params);
                } else {
                    badEpochs++;
                }
                // listeners first: an epoch's metric row is written before its checkpoint, so a run resumed from
                // that checkpoint finds every row up to it (and drops rows of epochs that never reached one)
                for (TrainingListener l : listeners) l.onEpochEnd(m);
                if (store != null && rank == 0) { // rank 0 alone writes: the checkpoint holds the global state
                    ObjectNode st = state(epoch, scheduler, bestVal, bestEpoch, badEpochs, history);
                    store.save(Checkpoint.capture(params, optimizer.saveState(), st), improved && config.restoreBest());
                }
            }
            if (config.earlyStopPatience() > 0 && badEpochs >= config.earlyStopPatience() && history.size() < config.epochs()) {
                stoppedEarly = true;
            }
            if (config.restoreBest() && bestWeights != null && bestEpoch != history.size() - 1) CheckpointStore.restore(params, bestWeights);
            TrainResult result = new TrainResult(history, Math.max(bestEpoch, 0), stoppedEarly, (System.nanoTime() - t0) / 1e9, resumedFrom);
            for (TrainingListener l : listeners) l.onTrainEnd(result);
            return result;
        }
    }

    private EpochMetrics runEpoch(MultimodalModel model, Regularizer regularizer, DataLoader loader, Optimizer optimizer,
                                  List<Tensor> params, Evaluator validation, int epoch, double lr) {
        Engine.seed(config.seed() * 1_000_003L + epoch + replicaStream(gradientSync.rank()));
        model.setTraining(true);
        model.startEpoch(epoch);
        for (TrainingListener l : listeners) l.onEpochStart(epoch, config.epochs());
        long start = System.nanoTime();
        long seen = 0;
        int steps = loader.batchesPerEpoch();
        List<String> termNames = null;
        Tensor termSums = null;
        double trainLoss;
        double trainAcc;
        boolean bf16 = config.precision() == Precision.BF16;
        try (var epochScope = TensorScope.open("epoch"); var batches = loader.epoch(epoch)) {
            Tensor lossSum = Tensor.zeros(DType.FLOAT32, config.device());
            Tensor correct = Tensor.zeros(DType.INT64, config.device());
            // finite steps before the first non-finite loss, counted on the device (no per-step read-back)
            Tensor nonFiniteSoFar = Tensor.zeros(DType.INT64, config.device());
            Tensor finitePrefix = Tensor.zeros(DType.INT64, config.device());
            int step = 0;
            while (batches.hasNext()) {
                try (var stepScope = TensorScope.open("step"); Batch b = batches.next()) {
                    // this rank's share of the global batch: its gradients and terms are weighted by it
                    double share = (double) b.size() / loader.globalRows(step);
                    ForwardOutput out;
                    Tensor loss;
                    Regularizer.Output reg;
                    // bf16: forward and losses under autocast; backward and the update outside it
                    try (var ac = bf16 ? Autocast.bf16(config.device()) : null) {
                        out = model.forward(b.inputs(), b.maskOrNull());
                        // dataset indices (uploaded with the batch) only for models that keep per-sample state
                        loss = model.loss(out, b.labels(), model.usesSampleIndices() ? b.indexTensor() : null);
                        reg = regularizer.compute(model, out, b.labels(), epoch);
                    }
                    if (reg != null) {
                        loss = loss.add(reg.loss());
                        if (!reg.terms().isEmpty()) {
                            // all terms in one vector, one accumulation: two native calls per step
                            try (var ng = dev.causalmm.engine.NoGrad.enter()) {
                                Tensor values = Tensor.stack(List.copyOf(reg.terms().values()), 0);
                                if (share != 1.0) values = values.mul(share);
                                if (termSums == null) {
                                    termNames = List.copyOf(reg.terms().keySet());
                                    termSums = stepScope.keep(values);
                                } else {
                                    termSums.add_(values);
                                }
                            }
                        }
                    }
                    loss.backward();
                    gradientSync.afterBackward(params, share);
                    regularizer.afterBackward(model);
                    if (config.gradClipNorm() > 0) Functional.clipGradNorm(params, config.gradClipNorm());
                    optimizer.step();
                    optimizer.zeroGrad();
                    lossSum.add_(loss.detach().mul(b.size()));
                    nonFiniteSoFar.add_(loss.detach().abs().lt(Double.POSITIVE_INFINITY).eq(0).to(DType.INT64));
                    finitePrefix.add_(nonFiniteSoFar.eq(0).to(DType.INT64));
                    correct.add_(out.logits().argmax(1).eq(b.labels()).sum());
                    seen += b.size();
                }
                final long seenNow = seen;
                for (TrainingListener l : listeners) {
                    l.onBatchEnd(epoch, step, steps, seen, () -> lossSum.item() / seenNow);
                }
                step++;
            }
            if (gradientSync.worldSize() > 1) {
                // metrics over all ranks: sums of losses, hits, rows and terms; the shortest finite prefix
                Tensor sums = Tensor.cat(termSums == null ? List.of(lossSum.to(DType.FLOAT64).reshape(1),
                        correct.to(DType.FLOAT64).reshape(1), Tensor.full(seen, DType.FLOAT64, config.device(), 1))
                        : List.of(lossSum.to(DType.FLOAT64).reshape(1), correct.to(DType.FLOAT64).reshape(1),
                        Tensor.full(seen, DType.FLOAT64, config.device(), 1), termSums.to(DType.FLOAT64).reshape(-1)), 0);
                gradientSync.sumAcrossRanks(sums);
                double[] all = sums.toDoubleArray();
                lossSum.fill_(all[0]);
                correct.fill_(all[1]);
                seen = Math.round(all[2]);
                if (termSums != null) {
                    for (int i = 0; i < termSums.numel(); i++) termSums.select(0, i).fill_(all[3 + i]);
                }
                gradientSync.minAcrossRanks(finitePrefix);
            }
            trainLoss = lossSum.item() / seen;
            int finiteSteps = (int) finitePrefix.item();
            if (finiteSteps < step || !Double.isFinite(trainLoss)) {
                // stop before this epoch's weights reach a checkpoint: last.ckpt keeps the last finite epoch
                NonFiniteLossException e = new NonFiniteLossException(epoch, Math.min(finiteSteps, step - 1), steps, trainLoss, lr, config.seed());
                LOG.warn(e.getMessage());
                for (TrainingListener l : listeners) l.onNonFiniteLoss(e);
                throw e;
            }
            trainAcc = correct.item() / seen;
            Map<String, Double> terms = new TreeMap<>();
            if (termSums != null) {
                double[] sums = termSums.toDoubleArray();
                for (int i = 0; i < sums.length; i++) terms.put(termNames.get(i), sums[i] / steps);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double valLoss = Double.NaN;
            double valAcc = Double.NaN;
            if (validation != null) {
                EvalResult r = validation.evaluate(model);
                valLoss = r.loss();
                valAcc = r.accuracy();
            }
            return new EpochMetrics(epoch, trainLoss, trainAcc, valLoss, valAcc, lr, seconds, seen, terms);
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

    // ------------------------------------------------------------------ trainer state (the checkpoint's JSON)

    private ObjectNode state(int epoch, LrScheduler scheduler, double bestVal, int bestEpoch, int badEpochs, List<EpochMetrics> history) {
        ObjectNode st = Json.object();
        st.put("format", "causalmm.checkpoint/1");
        st.put("epoch", epoch);
        st.put("seed", config.seed());
        st.put("rng", "per-epoch: LibTorch seeded with seed*1000003+epoch, shuffle with (seed, epoch)");
        st.put("epochs", config.epochs());
        st.put("optimizer", config.optimizer().kind().name());
        st.set("scheduler", scheduler.state());
        Json.putNumber(st, "bestVal", bestVal);
        st.put("bestEpoch", bestEpoch);
        st.put("badEpochs", badEpochs);
        ArrayNode h = st.putArray("history");
        for (EpochMetrics m : history) h.add(toJson(m));
        return st;
    }

    private void checkCompatible(ObjectNode st, Path file) {
        if (st.get("seed").asLong() != config.seed()) {
            throw new IllegalArgumentException(file + " was written with seed " + st.get("seed").asLong()
                    + " but this run uses seed " + config.seed() + "; resume with the same seed or a fresh --out");
        }
        if (!st.get("optimizer").asText().equals(config.optimizer().kind().name())) {
            throw new IllegalArgumentException(file + " holds " + st.get("optimizer").asText() + " state, this run uses "
                    + config.optimizer().kind());
        }
    }

    static ObjectNode toJson(EpochMetrics m) {
        ObjectNode n = Json.object();
        n.put("epoch", m.epoch());
        Json.putNumber(n, "trainLoss", m.trainLoss());
        Json.putNumber(n, "trainAccuracy", m.trainAccuracy());
        Json.putNumber(n, "valLoss", m.valLoss());
        Json.putNumber(n, "valAccuracy", m.valAccuracy());
        n.put("learningRate", m.learningRate());
        n.put("seconds", m.seconds());
        n.put("samples", m.samples());
        ObjectNode t = n.putObject("terms");
        m.terms().forEach((k, v) -> Json.putNumber(t, k, v));
        return n;
    }

    static EpochMetrics fromJson(JsonNode n) {
        Map<String, Double> terms = new TreeMap<>();
        n.get("terms").properties().forEach(e -> terms.put(e.getKey(), num(e.getValue())));
        return new EpochMetrics(n.get("epoch").asInt(), num(n.get("trainLoss")), num(n.get("trainAccuracy")),
                num(n.get("valLoss")), num(n.get("valAccuracy")), n.get("learningRate").asDouble(),
                n.get("seconds").asDouble(), n.get("samples").asLong(), terms);
    }

    private static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }
}
