package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3R;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.data.FeatureFileInfo;
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
import dev.causalmm.io.Json;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.FeatureCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

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
     * @param missingRate       share of samples that lose each of them
     * @param evalSeed          seed of the noise and the missing draws
     */
    public record Corruption(Double noise, int[] noiseModalities, boolean qmfCompat, int[] missingModalities, double missingRate,
                             long evalSeed) {
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
                          int batchSize, Device device, Path featureCache) {}

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
            throw new IllegalArgumentException("--model " + o.expectedModel() + " does not match the checkpoint's model '" + model + "'");
        }
        Reopened r = reopen(st, o.data(), o.dcor());
        DataSplits data = FeatureCache.apply(r.raw(), trained.encoders(), o.featureCache(), o.device());
        if (!trained.modalities().equals(data.modalities())) {
            throw new IllegalArgumentException(checkpoint + " was trained on modalities " + trained.modalities() + " but the data has "
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
        return new Report(model, config, c.evalSeed(), m, r.mmlsyn(), r.folder());
    }

    /** The checkpoint's data as generated or read again, with the overrides applied. */
    private record Reopened(String dataset, DataSplits raw, MMLSynConfig mmlsyn, ImageTextConfig imagetext, ImageTextFolder folder,
                            String manifest) {}

    private static Reopened reopen(ObjectNode st, DataChoice d, boolean dcor) throws IOException {
        String dataset = st.path("dataset").asText("mmlsyn");
        if (dcor && !dataset.equals("mmlsyn")) {
            throw new IllegalArgumentException("the dcor metric needs MMLSynData's latent factors; this checkpoint was trained on '" + dataset + "'");
        }
        if (st.has("hdf5Folder")) return reopenHdf5(st, d, dataset);
        FeatureFileInfo featureFile = st.has("featureFile") ? Json.MAPPER.treeToValue(st.get("featureFile"), FeatureFileInfo.class) : null;
        if (d.dataFile() != null && featureFile == null) throw new IllegalArgumentException("--data-file is for checkpoints trained on a feature file");
        boolean manifest = st.has("folder");
        if ((featureFile != null || manifest) && (d.spuriousTest() != null || d.testSize() != null)) {
            throw new IllegalArgumentException("--spurious-test and --test-size apply to the generated datasets, not to a "
                    + (manifest ? "manifest" : "feature file"));
        }
        if (d.skipBad() && !manifest) throw new IllegalArgumentException("--skip-bad is for checkpoints trained on an image+text manifest");
        String given = d.dataset() == null ? dataset : d.dataset();
        if (featureFile == null && !given.equals(dataset) && !(manifest && DataSource.isImageTextManifest(d.dataset(), null))) {
            throw new IllegalArgumentException("--dataset " + d.dataset() + " does not match the checkpoint's dataset '" + dataset + "'");
        }
        if (featureFile != null) {
            Path moved = d.dataFile() != null ? d.dataFile() : d.dataset() != null && !d.dataset().equals(dataset) ? Path.of(d.dataset()) : null;
            return new Reopened(dataset, FeatureFileDatasets.reopen(featureFile, moved), null, null, null, null);
        }
        if (manifest) {
            // the checkpoint's reading options, label map and vocabulary; --dataset may name another manifest read the same way
            ImageTextFolderOptions fo = Json.MAPPER.treeToValue(st.get("folder"), ImageTextFolderOptions.class);
            if (d.skipBad()) fo = fo.withSkipBad(true);
            DataSplits raw = new DataSource.Manifest(given, fo).open();
            return new Reopened(dataset, raw, null, null, DataSource.Manifest.folderOf(raw), given);
        }
        if (dataset.equals("imagetext")) {
            ImageTextConfig it = Json.MAPPER.treeToValue(st.get("imagetext"), ImageTextConfig.class);
            if (d.spuriousTest() != null) it = it.withSpurious(it.spuriousTrain(), d.spuriousTest());
            if (d.testSize() != null) it = it.withSizes(it.trainSize(), it.valSize(), d.testSize());
            return new Reopened(dataset, new DataSource.ImageText(it).open(), null, it, null, null);
        }
        MMLSynConfig cfg = Json.MAPPER.treeToValue(st.get("mmlsyn"), MMLSynConfig.class);
        if (d.spuriousTest() != null) cfg = cfg.withSpurious(cfg.spuriousTrain(), d.spuriousTest());
        if (d.testSize() != null) cfg = cfg.withSizes(cfg.trainSize(), cfg.valSize(), d.testSize());
        return new Reopened(dataset, new DataSource.MmlSyn(cfg).open(), cfg, null, null, null);
    }

    /** An HDF5 split folder read again with the checkpoint's options; {@code --dataset} may name where it is now. */
    private static Reopened reopenHdf5(ObjectNode st, DataChoice d, String dataset) throws IOException {
        String path = d.dataset() != null ? d.dataset() : st.at("/hdf5Folder/path").asText();
        var options = Json.MAPPER.treeToValue(st.at("/hdf5Folder/options"), dev.causalmm.data.FeatureFileOptions.class);
        if (!dev.causalmm.data.Hdf5SplitFolder.isFolder(Path.of(path))) {
            throw new UserInputException(path + ": not an HDF5 split folder (<modality>_<split>.h5 and y_<split>.h5), which this checkpoint"
                    + " was trained on; give its new place with --dataset");
        }
        return new Reopened(dataset, new DataSource.FeatureFile(path, options).open(), null, null, null, path);
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
        if (r.mmlsyn() != null) config.set("mmlsyn", Json.MAPPER.valueToTree(r.mmlsyn()));
        if (r.imagetext() != null) config.set("imagetext", Json.MAPPER.valueToTree(r.imagetext()));
        if (data.featureFile() != null) config.set("data", Json.MAPPER.valueToTree(data.featureFile().summary()));
        if (r.manifest() != null) config.put("manifest", r.manifest());
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
     * Claims {@code out} for the evaluation of {@code checkpoint} ({@link dev.causalmm.io.OutputFolder}):
     * a training or experiment folder, another checkpoint's evaluation or another command's folder
     * is refused, naming its owner, unless {@code overwrite}; then a missing or damaged checkpoint is
     * refused, still before the folder is made.
     */
    public static void claimOut(Path out, Path checkpoint, boolean overwrite) throws IOException {
        boolean exists = java.nio.file.Files.isRegularFile(checkpoint);
        var mine = dev.causalmm.io.Provenance.ofInput(dev.causalmm.io.Provenance.Kind.EVAL, checkpoint, exists ? checkpoint : null);
        dev.causalmm.io.OutputFolder.check(out, mine, overwrite, checkpoint);
        dev.causalmm.train.Checkpoint.requireHeader(checkpoint); // a missing or damaged checkpoint is refused before the folder is made
        dev.causalmm.io.OutputFolder.claim(out, mine, overwrite, checkpoint);
    }
}
