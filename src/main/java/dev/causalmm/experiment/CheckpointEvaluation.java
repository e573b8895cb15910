package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3R;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.data.FeatureFileInfo;
import dev.causalmm.data.FeatureFileOptions;
import dev.causalmm.data.Hdf5SplitFolder;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.ImageTextFolder;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MultimodalDataset;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.C3Score;
import dev.causalmm.eval.CorruptedDataset;
import dev.causalmm.eval.MissingModalityDataset;
import dev.causalmm.eval.ModelEvaluation;
import dev.causalmm.eval.NoiseProtocol;
import dev.causalmm.interop.TrainedModel;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.FeatureCache;
import dev.causalmm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * Evaluates a {@code model.ckpt} as {@code causalmm eval} does: the model is rebuilt from the
 * checkpoint, its data reopened (generated again, or the feature file / manifest read with the
 * checkpoint's own settings), optionally corrupted (noise protocol) or with modalities missing, then
 * measured by {@link ModelEvaluation}.
 */
public final class CheckpointEvaluation {
    private CheckpointEvaluation() {}

    /**
     * Which data, as overrides of what the checkpoint records (null: the checkpoint's).
     *
     * @param dataset      another manifest read the same way, or another copy of the feature file
     * @param dataFile     where a feature-file checkpoint's file is now
     * @param spuriousTest the generators' test spurious degree
     * @param testSize     the generators' test size
     * @param skipBad      image+text manifests: skip bad rows instead of failing
     */
    public record DataChoice(String dataset, Path dataFile, Double spuriousTest, Integer testSize, boolean skipBad) {
        public DataChoice {
            if (testSize != null && testSize <= 0) throw new UserInputException("--test-size must be > 0, got " + testSize);
            if (spuriousTest != null && !(spuriousTest >= 0 && spuriousTest <= 1)) {
                throw new UserInputException("--spurious-test must be in [0, 1], got " + spuriousTest);
            }
        }

        public static DataChoice checkpoints() {
            return new DataChoice(null, null, null, null, false);
        }
    }

    /**
     * How the evaluation sets are changed.
     *
     * @param noise             noise-protocol level ε (null: none)
     * @param noiseModalities   modalities the noise reaches (null: all)
     * @param missingModalities modalities that go missing (null: none)
     * @param missingRate       share of samples that lose each of them (null: 1, all)
     * @param evalSeed          seed of the noise and the missing draws
     */
    public record Corruption(Double noise, int[] noiseModalities, boolean qmfCompat, int[] missingModalities, Double missingRate,
                             long evalSeed) {
        public Corruption {
            if (missingRate == null) missingRate = 1.0;
            if (noise != null) NoiseProtocol.of(noise, evalSeed); // a finite level >= 0
            if (qmfCompat && noise == null) throw new UserInputException("--qmf-compat changes the noise protocol: give --noise EPS too");
            if (noiseModalities != null && noise == null) throw new UserInputException("--noise-modalities has no effect without --noise EPS");
            if (!(missingRate >= 0 && missingRate <= 1)) throw new UserInputException("--missing-rate must be in [0, 1], got " + missingRate);
        }

        public static Corruption none(long evalSeed) {
            return new Corruption(null, null, false, null, 1.0, evalSeed);
        }
    }

    /**
     * The whole request.
     *
     * @param expectedModel checked against the checkpoint's model when not null
     * @param featureCache  where cached pretrained features go
     */
    public record Options(String expectedModel, DataChoice data, Corruption corruption, boolean c3, double c3Eta, boolean dcor,
                          int batchSize, Device device, Path featureCache) {
        public Options {
            if (!(c3Eta > 0 && Double.isFinite(c3Eta))) throw new UserInputException("--c3-eta must be a finite number > 0, got " + c3Eta);
            if (batchSize <= 0) throw new UserInputException("--batch-size must be > 0, got " + batchSize);
        }

        /**
         * The command line's request: {@code metrics} names the extra metrics ({@link #checkMetrics}), a
         * left-out {@code c3Eta} (null) is {@link C3Score#DEFAULT_ETA_REL}, a {@code batchSize} of 0 the evaluation's own.
         */
        public static Options of(String expectedModel, DataChoice data, Corruption corruption, Set<String> metrics, Double c3Eta, int batchSize,
                                 Device device, Path featureCache) {
            checkMetrics(metrics);
            return new Options(expectedModel, data, corruption, metrics.contains("c3"), c3Eta == null ? C3Score.DEFAULT_ETA_REL : c3Eta,
                    metrics.contains("dcor"), batchSize == 0 ? ModelEvaluation.Plan.defaults().batchSize() : batchSize, device, featureCache);
        }
    }

    /** Refuses a metric other than the extra ones an evaluation computes: c3 (the hard C3 risks) and dcor. */
    public static void checkMetrics(Collection<String> metrics) {
        for (String m : metrics) {
            if (!m.equals("c3") && !m.equals("dcor")) throw new UserInputException("unknown metric '" + m + "' (c3, dcor)");
        }
    }

    /**
     * What was evaluated and the numbers.
     *
     * @param config   results.json's {@code config}
     * @param mmlsyn   the MMLSynData settings evaluated on (null for other data)
     * @param folder   the image+text folder read (null for other data)
     */
    public record Report(String model, ObjectNode config, long evalSeed, ModelEvaluation.Report metrics, MMLSynConfig mmlsyn,
                         ImageTextFolder folder) {
        /** results.json of {@code eval}. */
        public ObjectNode toJson(double seconds) {
            ObjectNode root = Results.evalReport(config, evalSeed, metrics.val(), metrics.test(), metrics.c3Val(), metrics.c3Test(),
                    metrics.c3rTwinTest(), metrics.dcor(), seconds);
            if (folder != null) root.set("data", Json.MAPPER.valueToTree(folder.report()));
            return root;
        }

        /** The console lines: accuracies, the C3 risk and dCor when measured. */
        public String summary() {
            if (metrics.test().regression() != null) {
                return String.format(Locale.ROOT, "%s: val MAE %.4f, test MAE %.4f, test Pearson r %.4f%n", model,
                        metrics.val().regression().mae(), metrics.test().regression().mae(), metrics.test().regression().corr());
            }
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: val accuracy %.4f, test accuracy %.4f%s%n", model,
                    metrics.val().accuracy(), metrics.test().accuracy(),
                    mmlsyn == null ? "" : String.format(Locale.ROOT, " (s=%.2f)", mmlsyn.spuriousTest())));
            C3Score c3 = metrics.c3Test();
            if (c3 != null) {
                b.append(String.format(Locale.ROOT, "C3 risk on test (deployed predictor, step %.2f·‖Z‖): sufficiency %.4f, necessity %.4f%n",
                        c3.etaRel(), c3.sufficiencyRisk(), c3.necessityRisk()));
            }
            if (metrics.dcor() != null) b.append("dCor(representation, factor) on test: ").append(metrics.dcor()).append(System.lineSeparator());
            return b.toString();
        }
    }

    /**
     * {@code causalmm eval}: claims {@code out} ({@link #claimOut}), evaluates {@code checkpoint} and writes
     * OUT/results.json, whose seconds count from {@code startNanos} ({@link System#nanoTime}); returns the report.
     */
    public static Report evaluateInto(Path out, Path checkpoint, Options o, boolean overwrite, long startNanos) throws IOException {
        claimOut(out, checkpoint, overwrite);
        Report report = evaluate(checkpoint, o);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(report.toJson((System.nanoTime() - startNanos) / 1e9)));
        return report;
    }

    /** Loads {@code checkpoint}, reopens its data and evaluates it. */
    public static Report evaluate(Path checkpoint, Options o) throws IOException {
        try (TrainedModel trained = load(checkpoint)) {
            return evaluate(checkpoint, trained, o);
        }
    }

    /** A checkpoint that does not rebuild (another version, a damaged file) is the user's file, not a bug. */
    static TrainedModel load(Path checkpoint) throws IOException {
        try {
            return TrainedModel.fromCheckpoint(checkpoint);
        } catch (IllegalArgumentException e) {
            throw UserInputException.of(e);
        }
    }

    private static Report evaluate(Path checkpoint, TrainedModel trained, Options o) throws IOException {
        ObjectNode st = trained.state();
        String model = trained.modelName();
        if (o.expectedModel() != null && !o.expectedModel().equals(model)) {
            throw new UserInputException("--model " + o.expectedModel() + " does not match the checkpoint's model '" + model + "'");
        }
        Reopened r = reopen(st, o.data(), o.dcor());
        DataSplits data = FeatureCache.apply(r.raw(), trained.encoders(), o.featureCache(), o.device());
        if (!trained.modalities().equals(data.modalities())) {
            throw new UserInputException(checkpoint + " was trained on modalities " + trained.modalities() + " but the data has "
                    + data.modalities());
        }
        trained.model().to(o.device());
        if (trained.regularizer() instanceof C3R c3r) c3r.to(o.device());
        Corruption c = o.corruption();
        MultimodalDataset val, test;
        try {
            val = corrupt(data.val(), c);
            test = corrupt(data.test(), c);
        } catch (IllegalArgumentException e) {
            throw UserInputException.of(e); // the noise level or the missing modalities asked for do not fit this model's data
        }
        ModelEvaluation.Plan plan = ModelEvaluation.Plan.defaults().withBatchSize(o.batchSize()).withC3(o.c3(), o.c3Eta())
                .withDcor(o.dcor() ? data.mmlsyn().test() : null);
        ModelEvaluation.Report m = ModelEvaluation.evaluate(trained.model(), trained.regularizer(), val, test, plan, o.device());
        ObjectNode config = config(checkpoint, model, trained.regularizerName(), r, data, o);
        return new Report(model, config, c.evalSeed(), m, r instanceof Reopened.MmlSyn g ? g.config() : null,
                r instanceof Reopened.Manifest mf ? mf.folder() : null);
    }

    /** The checkpoint's data as generated or read again, with the overrides applied: one case per kind, each with what only it has. */
    private sealed interface Reopened {
        /** The checkpoint's {@code dataset} name. */
        String dataset();

        /** The splits before pretrained encoders' features are cached. */
        DataSplits raw();

        record MmlSyn(String dataset, DataSplits raw, MMLSynConfig config) implements Reopened {}

        record ImageText(String dataset, DataSplits raw, ImageTextConfig config) implements Reopened {}

        /** @param manifest the manifest read (the checkpoint's, or the one {@code --dataset} names) */
        record Manifest(String dataset, DataSplits raw, ImageTextFolder folder, String manifest) implements Reopened {}

        record FeatureFile(String dataset, DataSplits raw) implements Reopened {}

        record Hdf5Folder(String dataset, DataSplits raw, String path) implements Reopened {}
    }

    private static Reopened reopen(ObjectNode st, DataChoice d, boolean dcor) throws IOException {
        String dataset = st.path("dataset").asText("mmlsyn");
        if (dcor && !dataset.equals("mmlsyn")) {
            throw new UserInputException("the dcor metric needs MMLSynData's latent factors; this checkpoint was trained on '" + dataset + "'");
        }
        if (st.has("hdf5Folder")) return reopenHdf5(st, d, dataset);
        FeatureFileInfo featureFile = st.has("featureFile") ? Json.MAPPER.treeToValue(st.get("featureFile"), FeatureFileInfo.class) : null;
        if (d.dataFile() != null && featureFile == null) throw new UserInputException("--data-file is for checkpoints trained on a feature file");
        boolean manifest = st.has("folder");
        if ((featureFile != null || manifest) && (d.spuriousTest() != null || d.testSize() != null)) {
            throw new UserInputException("--spurious-test and --test-size apply to the generated datasets, not to a "
                    + (manifest ? "manifest" : "feature file"));
        }
        if (d.skipBad() && !manifest) throw new UserInputException("--skip-bad is for checkpoints trained on an image+text manifest");
        String given = d.dataset() == null ? dataset : d.dataset();
        if (featureFile == null && !given.equals(dataset) && !(manifest && DataSource.isImageTextManifest(d.dataset(), null))) {
            throw new UserInputException("--dataset " + d.dataset() + " does not match the checkpoint's dataset '" + dataset + "'");
        }
        if (featureFile != null) {
            Path moved = d.dataFile() != null ? d.dataFile() : d.dataset() != null && !d.dataset().equals(dataset) ? Path.of(d.dataset()) : null;
            return new Reopened.FeatureFile(dataset, FeatureFileDatasets.reopen(featureFile, moved));
        }
        if (manifest) {
            // the checkpoint's reading options, label map and vocabulary; --dataset may name another manifest read the same way
            ImageTextFolderOptions fo = Json.MAPPER.treeToValue(st.get("folder"), ImageTextFolderOptions.class);
            if (d.skipBad()) fo = fo.withSkipBad(true);
            DataSplits raw = new DataSource.Manifest(given, fo).open();
            return new Reopened.Manifest(dataset, raw, DataSource.Manifest.folderOf(raw), given);
        }
        if (dataset.equals("imagetext")) {
            ImageTextConfig it = Json.MAPPER.treeToValue(st.get("imagetext"), ImageTextConfig.class);
            if (d.spuriousTest() != null) it = it.withSpurious(it.spuriousTrain(), d.spuriousTest());
            if (d.testSize() != null) it = it.withSizes(it.trainSize(), it.valSize(), d.testSize());
            return new Reopened.ImageText(dataset, new DataSource.ImageText(it).open(), it);
        }
        MMLSynConfig cfg = Json.MAPPER.treeToValue(st.get("mmlsyn"), MMLSynConfig.class);
        if (d.spuriousTest() != null) cfg = cfg.withSpurious(cfg.spuriousTrain(), d.spuriousTest());
        if (d.testSize() != null) cfg = cfg.withSizes(cfg.trainSize(), cfg.valSize(), d.testSize());
        return new Reopened.MmlSyn(dataset, new DataSource.MmlSyn(cfg).open(), cfg);
    }

    /** An HDF5 split folder read again with the checkpoint's options; {@code --dataset} may name where it is now. */
    private static Reopened reopenHdf5(ObjectNode st, DataChoice d, String dataset) throws IOException {
        String path = d.dataset() != null ? d.dataset() : st.at("/hdf5Folder/path").asText();
        var options = Json.MAPPER.treeToValue(st.at("/hdf5Folder/options"), FeatureFileOptions.class);
        if (!Hdf5SplitFolder.isFolder(Path.of(path))) {
            throw new UserInputException(path + ": not an HDF5 split folder (<modality>_<split>.h5 and y_<split>.h5), which this checkpoint"
                    + " was trained on; give its new place with --dataset");
        }
        return new Reopened.Hdf5Folder(dataset, new DataSource.FeatureFile(path, options).open(), path);
    }

    private static MultimodalDataset corrupt(MultimodalDataset set, Corruption c) {
        MultimodalDataset out = set;
        if (c.noise() != null) {
            NoiseProtocol protocol = NoiseProtocol.of(c.noise(), c.evalSeed()).withQmfCompat(c.qmfCompat())
                    .onModalities(c.noiseModalities() == null ? new int[0] : c.noiseModalities());
            out = new CorruptedDataset(out, protocol);
        }
        if (c.missingModalities() != null) out = new MissingModalityDataset(out, c.missingModalities(), c.missingRate(), c.evalSeed());
        return out;
    }

    /** results.json's {@code config}: the checkpoint, what it was evaluated on and how the data was changed. */
    private static ObjectNode config(Path checkpoint, String model, String regularizer, Reopened r, DataSplits data, Options o) {
        ObjectNode config = Json.object();
        config.put("checkpoint", checkpoint.toString());
        config.put("model", model);
        config.put("dataset", r.dataset());
        if (r instanceof Reopened.MmlSyn g) config.set("mmlsyn", Json.MAPPER.valueToTree(g.config()));
        if (r instanceof Reopened.ImageText g) config.set("imagetext", Json.MAPPER.valueToTree(g.config()));
        if (data.featureFile() != null) config.set("data", Json.MAPPER.valueToTree(data.featureFile().summary()));
        if (r instanceof Reopened.Manifest mf) config.put("manifest", mf.manifest());
        if (r instanceof Reopened.Hdf5Folder h) config.put("manifest", h.path()); // an HDF5 folder's path has always been written here
        config.put("device", o.device().toString());
        config.put("regularizer", regularizer);
        Corruption c = o.corruption();
        if (c.noise() != null) {
            ObjectNode nz = config.putObject("noise");
            nz.put("eps", c.noise());
            nz.put("evalSeed", c.evalSeed());
            nz.put("qmfCompat", c.qmfCompat());
            var mods = nz.putArray("modalities");
            if (c.noiseModalities() != null) for (int x : c.noiseModalities()) mods.add(x);
        }
        if (c.missingModalities() != null) {
            ObjectNode ms = config.putObject("missing");
            var mods = ms.putArray("modalities");
            for (int x : c.missingModalities()) mods.add(x);
            ms.put("rate", c.missingRate());
            ms.put("evalSeed", c.evalSeed());
        }
        return config;
    }

    /**
     * Claims {@code out} for the evaluation of {@code checkpoint} ({@link OutputFolder}):
     * a training or experiment folder, another checkpoint's evaluation or another command's folder
     * is refused, naming its owner, unless {@code overwrite}; then a missing or damaged checkpoint is
     * refused, still before the folder is made.
     */
    public static void claimOut(Path out, Path checkpoint, boolean overwrite) throws IOException {
        if (Files.isDirectory(checkpoint)) {
            throw new UserInputException("--checkpoint " + checkpoint + " is a folder; give the model.ckpt file that train writes in it");
        }
        boolean exists = Files.isRegularFile(checkpoint);
        var mine = Provenance.ofInput(Provenance.Kind.EVAL, checkpoint, exists ? checkpoint : null);
        OutputFolder.check(out, mine, overwrite, checkpoint);
        Checkpoint.requireHeader(checkpoint); // a missing or damaged checkpoint is refused before the folder is made
        OutputFolder.claim(out, mine, overwrite, checkpoint);
    }
}
