package dev.causalmm.experiment;

import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.data.FeatureFileOptions;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.ImageTextData;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.ImageTextFolder;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.nn.FeatureCache;
import dev.causalmm.nn.PretrainedEncoderSpec;
import dev.causalmm.engine.Device;
import dev.causalmm.train.LrSchedule;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Precision;
import java.util.List;

/**
 * One experiment: a dataset, a model and a regulariser trained once per seed.
 *
 * @param dataset  {@code mmlsyn} or {@code imagetext}
 * @param mmlsyn   MMLSynData settings when {@code dataset} is {@code mmlsyn} (null otherwise)
 * @param imagetext settings of the synthetic image+text task when {@code dataset} is {@code imagetext} (null otherwise)
 * @param dataSeed seed of the synthetic data (fixed across training seeds, so seeds vary only the run)
 * @param c3r      C3R settings, used when {@code regularizer} is {@code c3r}
 * @param imml     IMML settings, used when {@code regularizer} is {@code imml}
 * @param cmir     CmIR settings, used when {@code regularizer} is {@code cmir}
 * @param dcor     also measure the distance correlation of the representation with each MMLSynData factor
 * @param evalNoise test-time noise levels ε of the robustness protocol (spec §6.1; empty = none)
 * @param evalSeeds evaluation seeds per training seed (0: one, equal to the training seed — the
 *                  "runs" layout; 5: QMF's 5 × 5 layout)
 * @param qmfCompat the noise protocol reproduces the reference code's image quirks (fixed field, uint8 wraparound)
 * @param featureFile how a feature-file {@code dataset} (a path to a .mat/.npz/.csv file or a manifest) is split and
 *                  standardised; null for the generators
 * @param folder   how an image+text manifest is read when {@code dataset} is a {@code .jsonl}/{@code .csv} path (null otherwise)
 * @param encoders pretrained TorchScript encoders by modality (empty: none)
 * @param precision how float32 math runs ({@link Precision}); null or {@code fp32} is stored as null,
 *                  so results of float32 runs read the same as before the setting existed
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record ExperimentSpec(String dataset, String model, String regularizer, int epochs, int batchSize,
                             Optimizer.Settings optimizer, LrSchedule schedule, int earlyStopPatience,
                             List<Long> seeds, Device device, MMLSynConfig mmlsyn, ImageTextConfig imagetext, long dataSeed,
                             C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir, boolean dcor,
                             List<Double> evalNoise, int evalSeeds, boolean qmfCompat, FeatureFileOptions featureFile,
                             ImageTextFolderOptions folder, List<PretrainedEncoderSpec> encoders, Precision precision) {
    /** Datasets an experiment can name. */
    public static final List<String> DATASETS = List.of("mmlsyn", "imagetext");

    public ExperimentSpec {
        // everything is checked here, before any data is generated or any model trained
        if (seeds == null || seeds.isEmpty()) throw new IllegalArgumentException("at least one seed is needed");
        seeds = List.copyOf(seeds);
        requireDistinct("seed", seeds);
        Baselines.requireAvailable(model);
        if (regularizer == null || !Regularizers.NAMES.contains(regularizer)) {
            throw new IllegalArgumentException("unknown regularizer '" + regularizer + "'; expected one of " + Regularizers.NAMES);
        }
        // 0 = chosen from the training-set size by dev.causalmm.train.TrainingLength
        if (epochs < 0) throw new IllegalArgumentException("epochs must be > 0 (or 0 for the default rule), got " + epochs);
        if (batchSize < 0) throw new IllegalArgumentException("batch size must be > 0 (or 0 for the default rule), got " + batchSize);
        if (earlyStopPatience < 0) throw new IllegalArgumentException("early-stopping patience must be >= 0, got " + earlyStopPatience);
        if (optimizer == null || schedule == null || device == null) throw new IllegalArgumentException("optimizer, schedule and device are required");
        if (evalNoise != null) {
            for (Double eps : evalNoise) {
                if (eps == null || !(eps >= 0 && eps < Double.POSITIVE_INFINITY)) {
                    throw new IllegalArgumentException("noise levels must be finite numbers >= 0, got " + eps + " in " + evalNoise);
                }
            }
            requireDistinct("noise level", evalNoise);
        }
        // settings of regularisers this experiment does not use are the defaults, so changing, say,
        // C3R's options in a grid does not change (and re-train) the cells without C3R
        if (c3r == null || !regularizer.equals("c3r")) c3r = C3RConfig.defaults();
        if (imml == null || !regularizer.equals("imml")) imml = IMMLConfig.defaults();
        if (cmir == null || !regularizer.equals("cmir")) cmir = CmIRConfig.defaults();
        evalNoise = evalNoise == null ? List.of() : List.copyOf(evalNoise);
        if (evalSeeds < 0) throw new IllegalArgumentException("eval seeds must be >= 0, got " + evalSeeds);
        encoders = encoders == null ? List.of() : List.copyOf(encoders);
        if (precision == Precision.FP32) precision = null;
        boolean manifest = ImageTextFolder.isManifest(dataset, folder);
        boolean file = !manifest && FeatureFileDatasets.isFileDataset(dataset);
        if (!DATASETS.contains(dataset) && !file && !manifest) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "'; available: " + String.join(", ", DATASETS)
                    + ", a feature file (.mat, .npy/.npz, .csv) or manifest (.yaml), or an image+text manifest (.jsonl, or .csv"
                    + " with an image column)");
        }
        // only the named dataset's settings are kept (and written to results and checkpoints), so
        // another dataset's defaults never change what identifies a finished grid cell
        if (manifest) {
            dataset = java.nio.file.Path.of(dataset).toAbsolutePath().normalize().toString();
            if (folder == null) folder = ImageTextFolderOptions.defaults();
            featureFile = null;
            mmlsyn = null;
            imagetext = null;
        } else if (file) {
            folder = null;
            mmlsyn = null;
            imagetext = null;
            if (featureFile == null) featureFile = FeatureFileOptions.defaults().withSplit(0.7, 0.1, 0.2, dataSeed);
        } else if (dataset.equals("mmlsyn")) {
            featureFile = null;
            folder = null;
            if (mmlsyn == null) mmlsyn = MMLSynConfig.defaults(dataSeed);
            imagetext = null;
        } else {
            featureFile = null;
            folder = null;
            if (imagetext == null) imagetext = ImageTextConfig.defaults(dataSeed);
            mmlsyn = null;
        }
        if (file && !(featureFile.valRatio() > 0)) {
            throw new IllegalArgumentException("the validation set must not be empty (validation share " + featureFile.valRatio()
                    + "): it picks the learning-rate schedule's and early stopping's epochs and is reported beside the test set");
        }
        int valSize = file || manifest ? 1 : dataset.equals("mmlsyn") ? mmlsyn.valSize() : imagetext.valSize();
        if (valSize <= 0) {
            throw new IllegalArgumentException("the validation set must not be empty (val size " + valSize
                    + "): it picks the learning-rate schedule's and early stopping's epochs and is reported beside the test set");
        }
        if (dcor && !dataset.equals("mmlsyn")) {
            throw new IllegalArgumentException("the dcor metric needs MMLSynData's latent factors; dataset '" + dataset + "' has none");
        }
    }

    /** An experiment on a generated dataset (no feature file, image+text folder or pretrained encoders). */
    public ExperimentSpec(String dataset, String model, String regularizer, int epochs, int batchSize,
                          Optimizer.Settings optimizer, LrSchedule schedule, int earlyStopPatience,
                          List<Long> seeds, Device device, MMLSynConfig mmlsyn, ImageTextConfig imagetext, long dataSeed,
                          C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir, boolean dcor,
                          List<Double> evalNoise, int evalSeeds, boolean qmfCompat) {
        this(dataset, model, regularizer, epochs, batchSize, optimizer, schedule, earlyStopPatience, seeds, device, mmlsyn, imagetext,
                dataSeed, c3r, imml, cmir, dcor, evalNoise, evalSeeds, qmfCompat, null, null, null, null);
    }

    /** An experiment with float32 math (the settings before {@code precision} existed). */
    public ExperimentSpec(String dataset, String model, String regularizer, int epochs, int batchSize,
                          Optimizer.Settings optimizer, LrSchedule schedule, int earlyStopPatience,
                          List<Long> seeds, Device device, MMLSynConfig mmlsyn, ImageTextConfig imagetext, long dataSeed,
                          C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir, boolean dcor,
                          List<Double> evalNoise, int evalSeeds, boolean qmfCompat, FeatureFileOptions featureFile,
                          ImageTextFolderOptions folder, List<PretrainedEncoderSpec> encoders) {
        this(dataset, model, regularizer, epochs, batchSize, optimizer, schedule, earlyStopPatience, seeds, device, mmlsyn, imagetext,
                dataSeed, c3r, imml, cmir, dcor, evalNoise, evalSeeds, qmfCompat, featureFile, folder, encoders, null);
    }

    /** The precision training runs with ({@code fp32} when none was set). */
    public Precision effectivePrecision() {
        return precision == null ? Precision.FP32 : precision;
    }

    /** Fails when {@code values} holds one value twice: a repeated seed would count one run twice. */
    public static void requireDistinct(String what, List<?> values) {
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (Object v : values) {
            if (!seen.add(v)) {
                throw new IllegalArgumentException(what + " " + v + " is given twice in " + values + "; each " + what + " must be distinct");
            }
        }
    }

    /** Generates (or reads) the dataset this experiment names; cached pretrained features go to the system's temporary folder. */
    public DataSplits generateData() {
        return generateData(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "causalmm-feature-cache"));
    }

    /**
     * Generates the synthetic dataset this experiment names, or reads its feature file or image+text
     * manifest; then replaces the modalities of cached pretrained encoders ({@code mode=cache}) by
     * their features, kept under {@code featureCache}.
     */
    public DataSplits generateData(java.nio.file.Path featureCache) {
        try {
            DataSplits d = folder != null ? ImageTextFolder.open(java.nio.file.Path.of(dataset), folder)
                    : featureFile != null ? FeatureFileDatasets.open(java.nio.file.Path.of(dataset), featureFile)
                    : generateSynthetic();
            return FeatureCache.apply(d, encoders, featureCache, device);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    private DataSplits generateSynthetic() {
        return switch (dataset) {
            case "imagetext" -> ImageTextData.generate(imagetext);
            default -> DataSplits.of(MMLSynData.generate(mmlsyn));
        };
    }

    /** The regularisers' settings, for {@link Regularizers#create(String, Regularizers.Settings)}. */
    public Regularizers.Settings regularizerSettings() {
        return new Regularizers.Settings(c3r, imml, cmir);
    }

    /** The row label: {@code model} or {@code model+regularizer}. */
    public String label() {
        return regularizer.equals("none") ? model : model + "+" + regularizer;
    }
}
