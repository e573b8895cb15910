package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.causal.C3R;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Tensor;
import dev.causalmm.eval.C3Score;
import dev.causalmm.eval.CorruptedDataset;
import dev.causalmm.eval.NoiseProtocol;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.Representations;
import dev.causalmm.eval.Evaluator;
import dev.causalmm.io.Json;
import dev.causalmm.nn.EncoderConfig;
import dev.causalmm.nn.MultimodalModel;
import dev.causalmm.baselines.Baselines;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.train.Checkpoint;
import dev.causalmm.train.CheckpointStore;
import dev.causalmm.train.LoggingListener;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainResult;
import dev.causalmm.train.Trainer;
import dev.causalmm.train.metrics.MetricsListener;
import dev.causalmm.train.metrics.MetricsLoggers;
import dev.causalmm.train.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Trains and evaluates an {@link ExperimentSpec} for every seed, writing one checkpoint per seed. */
public final class ExperimentRunner {
    private ExperimentRunner() {}

    public static List<RunResult> run(ExperimentSpec spec, MMLSynData.Splits data, Path outDir, boolean progress) throws IOException {
        return run(spec, DataSplits.of(data), outDir, progress);
    }

    public static List<RunResult> run(ExperimentSpec spec, DataSplits data, Path outDir, boolean progress) throws IOException {
        return run(spec, data, outDir, progress, dev.causalmm.train.GradientSync.LOCAL);
    }

    /**
     * As {@link #run(ExperimentSpec, DataSplits, Path, boolean)}, as one rank of a data-parallel run
     * over {@code sync}, {@code spec.batchSize()} being the global batch: every rank trains (its shard) and evaluates (the same numbers: the weights
     * are identical), rank 0 alone claims the checkpoint folder and writes checkpoints.
     */
    public static List<RunResult> run(ExperimentSpec spec, DataSplits data, Path outDir, boolean progress,
                                      dev.causalmm.train.GradientSync sync) throws IOException {
        return run(spec, data, outDir, progress, sync, MetricsLoggers.DEFAULT);
    }

    /**
     * As {@link #run(ExperimentSpec, DataSplits, Path, boolean, dev.causalmm.train.GradientSync)}, writing
     * each seed's metric files ({@code loggers}; {@link MetricsLog}) next to its checkpoints.
     */
    public static List<RunResult> run(ExperimentSpec spec, DataSplits data, Path outDir, boolean progress,
                                      dev.causalmm.train.GradientSync sync, MetricsLoggers loggers) throws IOException {
        boolean root = sync.rank() == 0;
        Regularizers.create(spec.regularizer(), spec.regularizerSettings()).close(); // fail fast on an unavailable regulariser
        if (spec.dcor() && data.mmlsyn() == null) {
            throw new IllegalArgumentException("the dcor metric needs MMLSynData's latent factors; dataset '" + data.name() + "' has none");
        }
        List<ModalitySpec> modalities = data.modalities();
        int numClasses = data.numClasses();
        List<RunResult> runs = new ArrayList<>();
        for (long seed : spec.seeds()) {
            String label = spec.label() + " seed " + seed;
            Path ckDir = outDir.resolve("checkpoints").resolve(spec.label() + "-seed" + seed);
            if (root) claimCheckpointDir(ckDir, spec, seed);
            // epochs / batch 0: chosen from the training-set size (TrainingLength); the batch is the global one
            var length = dev.causalmm.train.TrainingLength.DEFAULT.resolve(data.train().size(), spec.epochs(), spec.batchSize(), sync.worldSize());
            if (length.batchSize() % sync.worldSize() != 0) {
                throw new IllegalArgumentException("global batch " + length.batchSize() + " does not split evenly over " + sync.worldSize() + " ranks");
            }
            TrainConfig cfg = new TrainConfig(length.epochs(), length.batchSize() / sync.worldSize(), spec.optimizer(), spec.schedule(),
                    spec.earlyStopPatience(), 0, seed, spec.device(), ckDir, true, spec.earlyStopPatience() > 0, 4, spec.effectivePrecision());
            try (Regularizer reg = Regularizers.create(spec.regularizer(), spec.regularizerSettings().withSeed(seed));
                 MultimodalModel model = reg.adapt(dev.causalmm.nn.Encoders.withPretrained(spec.encoders(),
                         () -> Baselines.create(spec.model(), modalities, numClasses, EncoderConfig.c3rPaper(),
                                 data.train().size(), seed)), seed);
                 MetricsListener metrics = new MetricsListener(ckDir, loggers, hparams(spec, seed, data))) {
                // UMT's uni-modal teachers: fresh models of the same architecture
                if (reg instanceof dev.causalmm.causal.UMT umt) umt.withTeachers(s -> dev.causalmm.nn.Encoders.withPretrained(spec.encoders(),
                        () -> Baselines.create(spec.model(), modalities, numClasses, EncoderConfig.c3rPaper(), data.train().size(), s)));
                Trainer trainer = new Trainer(cfg).gradientSync(sync);
                if (root) trainer.addListener(new LoggingListener(label)).addListener(metrics);
                if (progress && root) trainer.addListener(new ProgressBar(label));
                TrainResult tr;
                try {
                    tr = trainer.fit(model, reg, data.train(), data.val());
                } catch (dev.causalmm.train.NonFiniteLossException e) {
                    throw e.in(label);
                }
                dev.causalmm.train.CollapseCheck.of(tr.history()).ifPresent(w ->
                        org.slf4j.LoggerFactory.getLogger("causalmm.train").warn("{}: {}", label, w));
                boolean hasVal = data.val().size() > 0;
                EvalResult val = hasVal ? Evaluator.evaluate(model, data.val(), 1024, spec.device()) : null;
                EvalResult test = Evaluator.evaluate(model, data.test(), 1024, spec.device());
                C3R c3r = reg instanceof C3R c ? c : null;
                // one diagnostic for every model: the deployed predictor, the same scale-invariant step
                C3Score c3Val = hasVal ? C3Score.predictor(model, data.val(), C3Score.DEFAULT_ETA_REL, 1024, spec.device()) : null;
                C3Score c3Test = C3Score.predictor(model, data.test(), C3Score.DEFAULT_ETA_REL, 1024, spec.device());
                C3Score twin = c3r == null ? null : C3Score.twin(model, c3r, data.test(), 1024, spec.device());
                Map<MMLSynData.Factor, Double> dcor = spec.dcor() ? Representations.factorCorrelations(model, data.mmlsyn().test(), spec.device()) : null;
                Map<Double, double[]> noise = new java.util.TreeMap<>();
                for (double eps : spec.evalNoise()) {
                    int n = spec.evalSeeds() == 0 ? 1 : spec.evalSeeds();
                    double[] acc = new double[n];
                    for (int e = 0; e < n; e++) {
                        long evalSeed = spec.evalSeeds() == 0 ? seed : e + 1;
                        var noisy = new CorruptedDataset(data.test(), NoiseProtocol.of(eps, evalSeed).withQmfCompat(spec.qmfCompat()));
                        acc[e] = Evaluator.evaluate(model, noisy, 1024, spec.device()).accuracy();
                    }
                    noise.put(eps, acc);
                }
                Path modelFile = ckDir.resolve("model.ckpt");
                if (root) Checkpoint.capture(allParameters(model, reg), null, modelState(spec, seed, modalities, numClasses, data)).write(modelFile);
                runs.add(new RunResult(seed, tr, val, test, c3Val, c3Test, twin, dcor, noise, modelFile,
                        dev.causalmm.eval.PatternAccuracy.of(data.test(), test.predictions()), length));
            }
        }
        return runs;
    }

    /** A seed's {@code hparams.yaml}: the spec as results.json records it, for this one seed, plus the data's name and sizes. */
    static ObjectNode hparams(ExperimentSpec spec, long seed, DataSplits data) {
        ObjectNode hp = Json.object();
        hp.put("run", spec.label());
        hp.put("seed", seed);
        ObjectNode s = Json.MAPPER.valueToTree(spec);
        s.remove(List.of("seeds", "schedule")); // the schedule, with its kind, is under trainer:
        for (String r : List.of("c3r", "imml", "cmir")) if (!r.equals(spec.regularizer())) s.remove(r); // only the one in use
        hp.setAll(s);
        ObjectNode sizes = hp.putObject("dataSizes");
        sizes.put("train", data.train().size());
        sizes.put("val", data.val().size());
        sizes.put("test", data.test().size());
        return hp;
    }

    /**
     * Records which run a checkpoint folder belongs to ({@code run.json}: the experiment and the
     * seed), and refuses to resume a {@code last.ckpt} written by another configuration: the trainer
     * would otherwise continue (or, at its last epoch, simply keep) the other run's model.
     */
    static void claimCheckpointDir(Path ckDir, ExperimentSpec spec, long seed) throws IOException {
        ObjectNode id = trainingIdentity(spec);
        id.put("runSeed", seed);
        JsonNode current = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(id)); // compared as read back (int vs long nodes)
        Path runFile = ckDir.resolve("run.json");
        if (new CheckpointStore(ckDir).hasLast() && java.nio.file.Files.exists(runFile)) {
            JsonNode stored = Json.MAPPER.readTree(runFile.toFile());
            if (!stored.equals(current)) {
                throw new IllegalArgumentException(ckDir + " holds a checkpoint of another configuration (it differs in "
                        + differingFields(current, stored) + "; see its run.json); use a fresh --out, or delete that folder to start over");
            }
        }
        int stale = AtomicFiles.deleteStaleTemporaries(ckDir);
        if (stale > 0) org.slf4j.LoggerFactory.getLogger("causalmm.train").info("removed {} stale temporary file(s) in {}", stale, ckDir);
        AtomicFiles.writeString(runFile, Json.MAPPER.writeValueAsString(current));
    }

    /** The top-level fields in which two JSON objects differ, comma-separated. */
    static String differingFields(JsonNode current, JsonNode stored) {
        List<String> differ = new ArrayList<>();
        current.properties().forEach(e -> { if (!e.getValue().equals(stored.get(e.getKey()))) differ.add(e.getKey()); });
        stored.properties().forEach(e -> { if (!current.has(e.getKey())) differ.add(e.getKey()); });
        return String.join(", ", differ);
    }

    /**
     * Refuses to let a {@code train} run replace {@code out/results.json} when it holds the results of
     * another command or another training configuration; re-running the same training (to resume,
     * to add seeds or to evaluate again) is allowed. Call before any work starts.
     */
    public static void checkResultsOwnership(Path out, ExperimentSpec spec) throws IOException {
        Path results = out.resolve("results.json");
        if (!java.nio.file.Files.exists(results)) return;
        JsonNode r;
        try {
            r = Json.MAPPER.readTree(results.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(results + " is not a causalmm results file; use a fresh --out so it is not overwritten", e);
        }
        String hint = "; use a fresh --out so they are not overwritten (or delete " + out + " to start over)";
        if (!"train".equals(r.path("command").asText()) || !r.path("config").isObject()) {
            throw new IllegalArgumentException(results + " holds the results of another command ('"
                    + r.path("command").asText(r.path("schema").asText("unknown")) + "')" + hint);
        }
        ObjectNode storedId = (ObjectNode) r.get("config").deepCopy();
        storedId.remove(List.of("seeds", "device", "dcor", "evalNoise", "evalSeeds", "qmfCompat"));
        ObjectNode currentId = trainingIdentity(spec);
        if (!storedId.equals(currentId)) {
            throw new IllegalArgumentException(results + " holds the results of another configuration ("
                    + r.at("/config/model").asText() + " + " + r.at("/config/regularizer").asText() + "; it differs in "
                    + differingFields(currentId, storedId) + ")" + hint);
        }
        List<Long> dropped = new ArrayList<>();
        r.path("seeds").forEach(s -> { if (!spec.seeds().contains(s.asLong())) dropped.add(s.asLong()); });
        if (!dropped.isEmpty()) {
            throw new IllegalArgumentException(results + " holds runs of seed(s) " + dropped + " that --seed " + spec.seeds()
                    + " would drop; give them too (finished seeds are not retrained)" + hint);
        }
    }

    /**
     * What decides a run's training (model, regulariser, data, optimisation), as written to JSON:
     * the spec without the fields that only choose seeds, device or evaluation, so adding a seed or
     * a noise level reuses finished checkpoints instead of refusing or retraining them.
     */
    static ObjectNode trainingIdentity(ExperimentSpec spec) throws IOException {
        ObjectNode id = Json.MAPPER.valueToTree(spec);
        id.remove(List.of("seeds", "device", "dcor", "evalNoise", "evalSeeds", "qmfCompat"));
        return (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(id)); // as written (NaN → "NaN")
    }

    /** The modalities a {@code model.ckpt} records; see {@link TrainedModel#modalities(ObjectNode)}. */
    public static List<ModalitySpec> modalities(ObjectNode state) {
        return TrainedModel.modalities(state);
    }

    /** Model parameters plus the regulariser's under {@code regularizer.}: what model.ckpt holds. */
    public static Map<String, Tensor> allParameters(MultimodalModel model, Regularizer reg) {
        return TrainedModel.allParameters(model, reg);
    }

    /** What {@code eval} needs to rebuild the model and its data from a checkpoint alone. */
    static ObjectNode modelState(ExperimentSpec spec, long seed, List<ModalitySpec> modalities, int numClasses, DataSplits data) throws IOException {
        ObjectNode st = Json.object();
        st.put("format", "causalmm.model/1");
        st.put("model", spec.model());
        st.put("regularizer", spec.regularizer());
        st.put("dataset", spec.dataset());
        st.put("seed", seed);
        st.put("numClasses", numClasses);
        st.put("trainSize", data.train().size()); // QMF's history size: the model is rebuilt with it
        var d = st.putArray("modalities");
        for (ModalitySpec m : modalities) {
            ObjectNode o = d.addObject();
            o.put("name", m.name());
            o.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
            var sh = o.putArray("shape");
            for (long x : m.shape()) sh.add(x);
            if (m.vocabSize() > 0) o.put("vocabSize", m.vocabSize());
        }
        st.put("encoder", "c3r-paper");
        if (spec.mmlsyn() != null) st.set("mmlsyn", Json.MAPPER.valueToTree(spec.mmlsyn()));
        if (spec.imagetext() != null) st.set("imagetext", Json.MAPPER.valueToTree(spec.imagetext()));
        if (data.featureFile() != null) st.set("featureFile", Json.MAPPER.valueToTree(data.featureFile()));
        // an image+text folder: the options as used, with the label map and the vocabulary built on the training split
        var folder = dev.causalmm.data.ImageTextFolder.of(data);
        if (folder != null) st.set("folder", Json.MAPPER.valueToTree(folder.options()));
        if (!spec.encoders().isEmpty()) {
            var enc = st.putArray("encoders");
            for (var p : spec.encoders()) {
                ObjectNode o = Json.MAPPER.valueToTree(p);
                o.put("sha256", dev.causalmm.nn.FeatureCache.sha256(java.nio.file.Path.of(p.file())));
                enc.add(o);
            }
        }
        st.set("c3r", Json.MAPPER.valueToTree(spec.c3r()));
        st.set("imml", Json.MAPPER.valueToTree(spec.imml().withSeed(seed)));
        st.set("cmir", Json.MAPPER.valueToTree(spec.cmir().withSeed(seed)));
        return st;
    }
}
