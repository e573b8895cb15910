package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.causal.Regularizer;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.ModalitySpec;
import dev.causalmm.engine.Tensor;
import dev.causalmm.eval.ModelEvaluation;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import dev.causalmm.io.UserInputException;
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
import java.util.function.LongFunction;

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
     * over {@code sync}, {@code spec.recipe().batchSize()} being the global batch: every rank trains (its shard) and evaluates (the same numbers: the weights
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
        spec.regularizer().create(0).close(); // fail fast on an unavailable regulariser
        if (spec.evaluation().dcor() && data.mmlsyn() == null) {
            throw new IllegalArgumentException("the dcor metric needs MMLSynData's latent factors; dataset '" + data.name() + "' has none");
        }
        List<ModalitySpec> modalities = data.modalities();
        dev.causalmm.data.Task task = data.train().task();
        int numClasses = data.numClasses();
        List<RunResult> runs = new ArrayList<>();
        for (long seed : spec.seeds()) {
            String label = spec.label() + " seed " + seed;
            Path ckDir = outDir.resolve("checkpoints").resolve(spec.label() + "-seed" + seed);
            if (root) claimCheckpointDir(ckDir, spec, seed);
            // the recipe's batch is the global batch: each of the world's ranks trains on its share;
            // epochs / batch 0: chosen from the training-set size (TrainingLength)
            ExperimentSpec.Recipe r = spec.recipe();
            var length = r.length(data.train().size(), sync.worldSize());
            if (length.batchSize() % sync.worldSize() != 0) {
                throw new UserInputException("the global batch " + length.batchSize() + (length.batchChosen() ? " (chosen from the data)" : "")
                        + " does not split evenly over " + sync.worldSize() + " ranks; give --batch-size as a multiple of the rank count");
            }
            TrainConfig cfg = new TrainConfig(length.epochs(), length.batchSize() / sync.worldSize(), r.optimizer(), r.schedule(),
                    r.earlyStopPatience(), 0, seed, spec.device(), ckDir, true, r.earlyStopPatience() > 0, 4, r.precision());
            // fresh models of the run's architecture: the model, and UMT's uni-modal teachers
            LongFunction<MultimodalModel> fresh = s -> dev.causalmm.nn.Encoders.withPretrained(spec.encoders(),
                    () -> Baselines.create(spec.model(), modalities, task, EncoderConfig.c3rPaper(), data.train().size(), s));
            try (Regularizer reg = spec.regularizer().create(seed, fresh);
                 MultimodalModel model = reg.adapt(fresh.apply(seed), seed);
                 MetricsListener metrics = new MetricsListener(ckDir, loggers, hparams(spec, seed, data))) {
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
                ModelEvaluation.Plan plan = ModelEvaluation.Plan.defaults().withDcor(spec.evaluation().dcor() ? data.mmlsyn().test() : null);
                ModelEvaluation.Report ev = ModelEvaluation.evaluate(model, reg, data.val().size() > 0 ? data.val() : null, data.test(),
                        plan, spec.device());
                Map<Double, double[]> noise = ModelEvaluation.noiseSweep(model, data.test(), spec.evaluation().noise(),
                        spec.evaluation().evalSeeds(), seed, spec.evaluation().qmfCompat(),
                        spec.evaluation().noiseModalities().stream().mapToInt(Integer::intValue).toArray(),
                        plan.batchSize(), spec.device());
                Path modelFile = ckDir.resolve("model.ckpt");
                if (root) Checkpoint.capture(allParameters(model, reg), null, modelState(spec, seed, modalities, numClasses, data)).write(modelFile);
                runs.add(new RunResult(seed, tr, ev.val(), ev.test(), ev.c3Val(), ev.c3Test(), ev.c3rTwinTest(), ev.dcor(), noise, modelFile,
                        ev.test().regression() != null ? Map.of() // per-pattern accuracy is over class predictions
                                : dev.causalmm.eval.PatternAccuracy.of(data.test(), ev.test().predictions()), length));
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
        for (String r : List.of("c3r", "imml", "cmir")) if (!r.equals(spec.regularizer().name())) s.remove(r); // only the one in use
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
        Provenance current = seedProvenance(spec, seed);
        Path runFile = ckDir.resolve("run.json");
        if (new CheckpointStore(ckDir).hasLast() && java.nio.file.Files.exists(runFile)) {
            JsonNode stored = Json.MAPPER.readTree(runFile.toFile());
            Provenance had = stored.has("schema") ? Provenance.fromJson(stored, runFile) : Provenance.of(Provenance.Kind.TRAIN, (ObjectNode) stored);
            List<String> d = current.differences(had);
            if (!d.isEmpty()) throw Provenance.refusal(ckDir, "a checkpoint of another configuration (see its run.json)", current.explain(had, d));
        }
        int stale = AtomicFiles.deleteStaleTemporaries(ckDir);
        if (stale > 0) org.slf4j.LoggerFactory.getLogger("causalmm.train").info("removed {} stale temporary file(s) in {}", stale, ckDir);
        AtomicFiles.writeString(runFile, Json.MAPPER.writeValueAsString(current.toJson()));
    }

    /** What identifies one seed's model: the training identity and the seed ({@code runSeed}); model.ckpt records it too. */
    static Provenance seedProvenance(ExperimentSpec spec, long seed) throws IOException {
        ObjectNode id = trainingIdentity(spec);
        id.put("runSeed", seed);
        return Provenance.of(Provenance.Kind.TRAIN, (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(id)));
    }

    /** What owns a {@code train} output folder: the training identity (seeds, device and evaluation may change between runs). */
    public static Provenance provenance(ExperimentSpec spec) throws IOException {
        return Provenance.of(Provenance.Kind.TRAIN, trainingIdentity(spec));
    }

    /**
     * Refuses to let a {@code train} run write into {@code out} when it holds the outputs of another
     * command or another training configuration ({@link OutputFolder}), or results of seeds this run
     * would drop; re-running the same training (to resume, to add seeds or to evaluate again) is
     * allowed, and {@code overwrite} allows any. Call before any work starts.
     */
    public static void checkResultsOwnership(Path out, ExperimentSpec spec, boolean overwrite) throws IOException {
        OutputFolder.check(out, provenance(spec), overwrite);
        Path results = out.resolve("results.json");
        if (overwrite || !java.nio.file.Files.isRegularFile(results)) return;
        JsonNode r = Json.MAPPER.readTree(results.toFile());
        List<Long> dropped = new ArrayList<>();
        r.path("seeds").forEach(s -> { if (!spec.seeds().contains(s.asLong())) dropped.add(s.asLong()); });
        if (!dropped.isEmpty()) {
            throw new dev.causalmm.io.UserInputException(results + " holds runs of seed(s) " + dropped + " that --seed " + spec.seeds()
                    + " would drop; give them too (finished seeds are not retrained), use a fresh --out (or --overwrite)");
        }
    }

    /** As {@link #checkResultsOwnership(Path, ExperimentSpec, boolean)} without {@code --overwrite}. */
    public static void checkResultsOwnership(Path out, ExperimentSpec spec) throws IOException {
        checkResultsOwnership(out, spec, false);
    }

    /**
     * What decides a run's training (model, regulariser, data, optimisation), as written to JSON:
     * the spec without the fields that only choose seeds, device or evaluation, so adding a seed or
     * a noise level reuses finished checkpoints instead of refusing or retraining them.
     */
    static ObjectNode trainingIdentity(ExperimentSpec spec) throws IOException {
        ObjectNode id = Json.MAPPER.valueToTree(spec);
        id.remove(OutputFolder.RUN_ONLY_FIELDS);
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
        st.set("provenance", seedProvenance(spec, seed).toJson());
        st.put("model", spec.model());
        st.put("regularizer", spec.regularizer().name());
        st.put("dataset", spec.data().name());
        st.put("seed", seed);
        st.put("numClasses", numClasses);
        if (data.train().task() instanceof dev.causalmm.data.Task.Regression reg) st.set("task", TrainedModel.taskJson(reg));
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
        if (modalities.stream().anyMatch(m -> m.kind() == ModalitySpec.Kind.SEQUENCE)) {
            st.set("sequenceEncoder", Json.MAPPER.valueToTree(dev.causalmm.nn.Encoders.sequenceEncoder())); // eval/export rebuild the same trunk
        }
        if (spec.data() instanceof DataSource.MmlSyn m) st.set("mmlsyn", Json.MAPPER.valueToTree(m.config()));
        if (spec.data() instanceof DataSource.ImageText it) st.set("imagetext", Json.MAPPER.valueToTree(it.config()));
        if (data.featureFile() != null) st.set("featureFile", Json.MAPPER.valueToTree(data.featureFile()));
        // an HDF5 split folder: its absolute path and reading options, enough for eval to reopen it
        if (spec.data() instanceof DataSource.FeatureFile f && dev.causalmm.data.Hdf5SplitFolder.isFolder(Path.of(f.path()))) {
            ObjectNode h = st.putObject("hdf5Folder");
            h.put("path", Path.of(f.path()).toAbsolutePath().normalize().toString());
            h.set("options", Json.MAPPER.valueToTree(f.options()));
        }
        // an image+text folder: the options as used, with the label map and the vocabulary built on the training split
        var folder = DataSource.Manifest.folderOf(data);
        if (folder != null) st.set("folder", Json.MAPPER.valueToTree(folder.options()));
        if (!spec.encoders().isEmpty()) {
            var enc = st.putArray("encoders");
            for (var p : spec.encoders()) {
                ObjectNode o = Json.MAPPER.valueToTree(p);
                o.put("sha256", dev.causalmm.io.Sha256.file(java.nio.file.Path.of(p.file())));
                enc.add(o);
            }
        }
        Regularizers.Settings regs = spec.regularizerSettings();
        st.set("c3r", Json.MAPPER.valueToTree(regs.c3r()));
        st.set("imml", Json.MAPPER.valueToTree(regs.imml().withSeed(seed)));
        st.set("cmir", Json.MAPPER.valueToTree(regs.cmir().withSeed(seed)));
        return st;
    }
}
