package dev.causalmm.experiment;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.OGMGEConfig;
import dev.causalmm.causal.PMRConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.causal.UMTConfig;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Optimizer;
import dev.causalmm.engine.Precision;
import dev.causalmm.io.Json;
import dev.causalmm.nn.FeatureCache;
import dev.causalmm.nn.PretrainedEncoderSpec;
import dev.causalmm.train.LrSchedule;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.TrainingLength;
import java.util.List;

/**
 * One experiment: a dataset, a model and a regulariser trained once per seed, then evaluated.
 *
 * <p>Its JSON form ({@link #toJson()}, results.json's {@code config} and the identity that resume
 * and ownership checks compare) is the flat layout of {@code causalmm.results/1}, unchanged since
 * before the spec was grouped, so earlier runs resume and are recognised as before.
 *
 * @param data        the dataset and its settings
 * @param regularizer the regulariser and its settings
 * @param recipe      how each seed trains
 * @param seeds       training seeds, one run each
 * @param evaluation  what is measured after training beside accuracy and the C3 risk
 * @param encoders    pretrained TorchScript encoders by modality (empty: none)
 * @param dataSeed    seed of the synthetic data and of a file's split (fixed across training seeds)
 */
public record ExperimentSpec(DataSource data, String model, RegularizerSpec regularizer, Recipe recipe, List<Long> seeds, Device device,
                             Evaluation evaluation, List<PretrainedEncoderSpec> encoders, long dataSeed) {
    /** Datasets an experiment can name. */
    public static final List<String> DATASETS = DataSource.GENERATORS;

    /**
     * How each seed trains.
     *
     * @param epochs            training epochs, or 0: chosen from the training-set size ({@link TrainingLength#DEFAULT})
     * @param batchSize         the global batch (split over data-parallel ranks), or 0: chosen from the training-set size
     * @param earlyStopPatience epochs without validation gain before stopping (0: off)
     * @param precision         how float32 math runs
     */
    public record Recipe(int epochs, int batchSize, Optimizer.Settings optimizer, LrSchedule schedule, int earlyStopPatience,
                         Precision precision) {
        public Recipe {
            if (epochs < 0) throw new IllegalArgumentException("epochs must be > 0 (or 0: chosen from the training-set size), got " + epochs);
            if (batchSize < 0) throw new IllegalArgumentException("batch size must be > 0 (or 0: chosen from the training-set size), got " + batchSize);
            if (earlyStopPatience < 0) throw new IllegalArgumentException("early-stopping patience must be >= 0, got " + earlyStopPatience);
            if (optimizer == null || schedule == null) throw new IllegalArgumentException("optimizer and schedule are required");
            if (precision == null) precision = Precision.FP32;
        }

        /**
         * Epochs and batch chosen from the training-set size ({@link TrainingLength#DEFAULT}: enough
         * optimizer steps for every dataset), Adam (lr 1e-3, weight decay 1e-4) with the rate decayed
         * to 0 over the run (cosine: the evaluated weights are not a noisy iterate; TMC on 100Leaves
         * 0.906 against 0.888 at a constant rate, docs/methods.md), no early stopping, float32.
         */
        public static Recipe defaults() {
            return new Recipe(0, 0, TrainConfig.adam(1e-3), new LrSchedule.Cosine(0, 0), 0, Precision.FP32);
        }

        /** An optimizer named as the command line and config files do, at rate {@code lr}: β 0.9/0.999, ε 1e-8, SGD momentum 0.9. */
        public static Optimizer.Settings optimizer(String kind, double lr, double weightDecay) {
            return new Optimizer.Settings(Optimizer.Kind.parse(kind), lr, weightDecay, 0.9, 0.999, 1e-8, 0.9);
        }

        /** The epochs and global batch a run on {@code trainRows} rows over {@code world} ranks takes (0s resolved by the rule). */
        public TrainingLength.Resolved length(int trainRows, int world) {
            return TrainingLength.DEFAULT.resolve(trainRows, epochs, batchSize, world);
        }

        public Recipe withEpochs(int e) {
            return new Recipe(e, batchSize, optimizer, schedule, earlyStopPatience, precision);
        }

        public Recipe withBatchSize(int b) {
            return new Recipe(epochs, b, optimizer, schedule, earlyStopPatience, precision);
        }

        public Recipe withOptimizer(Optimizer.Settings o) {
            return new Recipe(epochs, batchSize, o, schedule, earlyStopPatience, precision);
        }

        public Recipe withSchedule(LrSchedule s, int patience) {
            return new Recipe(epochs, batchSize, optimizer, s, patience, precision);
        }

        public Recipe withPrecision(Precision p) {
            return new Recipe(epochs, batchSize, optimizer, schedule, earlyStopPatience, p);
        }
    }

    /**
     * What is measured after training, beside accuracy, loss and the C3 risk.
     *
     * @param dcor      the distance correlation of the representation with each MMLSynData factor
     * @param noise     test-time noise levels ε of the robustness protocol (spec §6.1; empty = none)
     * @param evalSeeds evaluation seeds per training seed (0: one, equal to the training seed — the
     *                  "runs" layout; 5: QMF's 5 × 5 layout)
     * @param qmfCompat the noise protocol reproduces the reference code's image quirks
     */
    public record Evaluation(boolean dcor, List<Double> noise, int evalSeeds, boolean qmfCompat, List<Integer> noiseModalities) {
        public Evaluation(boolean dcor, List<Double> noise, int evalSeeds, boolean qmfCompat) {
            this(dcor, noise, evalSeeds, qmfCompat, List.of());
        }

        public Evaluation {
            noiseModalities = noiseModalities == null ? List.of() : List.copyOf(noiseModalities);
            for (int m : noiseModalities) if (m < 0) throw new IllegalArgumentException("noise modality indices must be >= 0, got " + m);
            requireDistinct("noise modality", noiseModalities);
            noise = noise == null ? List.of() : noise;
            for (Double eps : noise) {
                if (eps == null || !(eps >= 0 && eps < Double.POSITIVE_INFINITY)) {
                    throw new IllegalArgumentException("noise levels must be finite numbers >= 0, got " + eps + " in " + noise);
                }
            }
            requireDistinct("noise level", noise);
            noise = List.copyOf(noise);
            if (evalSeeds < 0) throw new IllegalArgumentException("eval seeds must be >= 0, got " + evalSeeds);
        }

        /** Accuracy and the C3 risk only. */
        public static Evaluation defaults() {
            return new Evaluation(false, List.of(), 0, false);
        }

        public Evaluation withDcor(boolean on) {
            return new Evaluation(on, noise, evalSeeds, qmfCompat, noiseModalities);
        }

        public Evaluation withNoise(List<Double> levels, int seeds, boolean qmf) {
            return new Evaluation(dcor, levels, seeds, qmf, noiseModalities);
        }

        /** The noise protocol on these modality indices only (none given: every modality). */
        public Evaluation withNoiseModalities(List<Integer> m) {
            return new Evaluation(dcor, noise, evalSeeds, qmfCompat, m);
        }
    }

    public ExperimentSpec {
        // everything is checked here, before any data is generated or any model trained
        if (seeds == null || seeds.isEmpty()) throw new IllegalArgumentException("at least one seed is needed");
        seeds = List.copyOf(seeds);
        requireDistinct("seed", seeds);
        Baselines.requireAvailable(model);
        if (data == null || regularizer == null || recipe == null || device == null) {
            throw new IllegalArgumentException("data, regularizer, recipe and device are required");
        }
        if (evaluation == null) evaluation = Evaluation.defaults();
        encoders = encoders == null ? List.of() : List.copyOf(encoders);
        requirePredominantExists(data, regularizer);
        String emptyVal = data.emptyValidation();
        if (emptyVal != null) {
            throw new IllegalArgumentException("the validation set must not be empty (" + emptyVal
                    + "): it picks the learning-rate schedule's and early stopping's epochs and is reported beside the test set");
        }
        if (evaluation.dcor() && !(data instanceof DataSource.MmlSyn)) {
            throw new IllegalArgumentException("the dcor metric needs MMLSynData's latent factors; dataset '" + data.name() + "' has none");
        }
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

    /** The same experiment with other seeds. */
    public ExperimentSpec withSeeds(List<Long> s) {
        return new ExperimentSpec(data, model, regularizer, recipe, s, device, evaluation, encoders, dataSeed);
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
    /** IMML's fixed predominant modality must be one the generated data has (known before generating it). */
    private static void requirePredominantExists(DataSource data, RegularizerSpec regularizer) {
        if (!(regularizer instanceof RegularizerSpec.IMML(var c)) || c.predominant() < 0) return;
        int k = switch (data) {
            case DataSource.MmlSyn(var m) -> m.modalities();
            case DataSource.ImageText t -> 2;
            default -> Integer.MAX_VALUE; // a file: checked when IMML sees the data
        };
        if (c.predominant() >= k) {
            throw new IllegalArgumentException("--imml.predominant " + c.predominant() + ": the data has " + k + " modalities (indices 0.." + (k - 1) + ")");
        }
    }

    /** Every --encoder names a modality of the data, so none is recorded and silently never loaded. */
    private void requireEncodedModalitiesExist(DataSplits raw) {
        List<String> names = raw.modalities().stream().map(dev.causalmm.data.ModalitySpec::name).toList();
        for (var e : encoders) {
            if (!names.contains(e.modality())) {
                throw new dev.causalmm.io.UserInputException("--encoder " + e.modality() + "=" + e.file() + ": the data has no modality '"
                        + e.modality() + "' (it has " + String.join(", ", names) + ")");
            }
        }
    }

    public DataSplits generateData(java.nio.file.Path featureCache) {
        try {
            DataSplits raw = data.open();
            requireEncodedModalitiesExist(raw);
            return FeatureCache.apply(raw, encoders, featureCache, device);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Every regulariser's settings: this experiment's for its own, the defaults for the others. */
    public Regularizers.Settings regularizerSettings() {
        return new Regularizers.Settings(regularizer instanceof RegularizerSpec.C3R c ? c.config() : C3RConfig.defaults(),
                regularizer instanceof RegularizerSpec.IMML i ? i.config() : IMMLConfig.defaults(),
                regularizer instanceof RegularizerSpec.CmIR c ? c.config() : CmIRConfig.defaults())
                .withBaselines(regularizer instanceof RegularizerSpec.OgmGe o ? o.config() : OGMGEConfig.defaults(),
                        regularizer instanceof RegularizerSpec.PMR p ? p.config() : PMRConfig.defaults(),
                        regularizer instanceof RegularizerSpec.UMT u ? u.config() : UMTConfig.defaults());
    }

    /** The row label: {@code model} or {@code model+regularizer}. */
    public String label() {
        return regularizer instanceof RegularizerSpec.None ? model : model + "+" + regularizer.name();
    }

    /**
     * The flat layout of {@code causalmm.results/1} (what results.json's {@code config} holds): the
     * data's settings under {@code mmlsyn}, {@code imagetext}, {@code featureFile} or {@code folder},
     * every regulariser's settings (the defaults for those not in use), {@code precision} only when not float32.
     */
    @JsonValue
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("dataset", data.name());
        o.put("model", model);
        o.put("regularizer", regularizer.name());
        o.put("epochs", recipe.epochs());
        o.put("batchSize", recipe.batchSize());
        o.set("optimizer", Json.MAPPER.valueToTree(recipe.optimizer()));
        o.set("schedule", Json.MAPPER.valueToTree(recipe.schedule()));
        o.put("earlyStopPatience", recipe.earlyStopPatience());
        o.set("seeds", Json.MAPPER.valueToTree(seeds));
        o.set("device", Json.MAPPER.valueToTree(device));
        if (data instanceof DataSource.MmlSyn m) o.set("mmlsyn", Json.MAPPER.valueToTree(m.config()));
        if (data instanceof DataSource.ImageText it) o.set("imagetext", Json.MAPPER.valueToTree(it.config()));
        o.put("dataSeed", dataSeed);
        Regularizers.Settings r = regularizerSettings();
        o.set("c3r", Json.MAPPER.valueToTree(r.c3r()));
        o.set("imml", Json.MAPPER.valueToTree(r.imml()));
        o.set("cmir", Json.MAPPER.valueToTree(r.cmir()));
        // an imbalance baseline's settings only where they differ from the defaults, which were the only ones before they had options
        if (!r.ogmge().equals(OGMGEConfig.defaults())) o.set("ogmge", Json.MAPPER.valueToTree(r.ogmge()));
        if (!r.pmr().equals(PMRConfig.defaults())) o.set("pmr", Json.MAPPER.valueToTree(r.pmr()));
        if (!r.umt().equals(UMTConfig.defaults())) o.set("umt", Json.MAPPER.valueToTree(r.umt()));
        o.put("dcor", evaluation.dcor());
        o.set("evalNoise", Json.MAPPER.valueToTree(evaluation.noise()));
        o.put("evalSeeds", evaluation.evalSeeds());
        o.put("qmfCompat", evaluation.qmfCompat());
        if (!evaluation.noiseModalities().isEmpty()) o.set("evalNoiseModalities", Json.MAPPER.valueToTree(evaluation.noiseModalities()));
        if (data instanceof DataSource.FeatureFile f) o.set("featureFile", Json.MAPPER.valueToTree(f.options()));
        if (data instanceof DataSource.Manifest m) o.set("folder", Json.MAPPER.valueToTree(m.options()));
        o.set("encoders", Json.MAPPER.valueToTree(encoders));
        if (recipe.precision() != Precision.FP32) o.set("precision", Json.MAPPER.valueToTree(recipe.precision()));
        return o;
    }
}
