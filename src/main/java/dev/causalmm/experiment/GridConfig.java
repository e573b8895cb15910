package dev.causalmm.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.causalmm.baselines.Baselines;
import dev.causalmm.causal.Regularizers;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.FeatureFileOptions;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.ImageTextFolderOptions;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.io.Json;
import dev.causalmm.io.UserInputException;
import dev.causalmm.nn.PretrainedEncoderSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An experiment grid read from JSON or YAML (by extension: {@code .yaml}/{@code .yml}): every model × regulariser cell is trained for every seed and
 * evaluated at every noise level. Fields (defaults in brackets): {@code name}, {@code dataset}
 * [mmlsyn], {@code models} [late-fusion], {@code regularizers} [none, c3r], {@code seeds} [1, 2, 3],
 * {@code evalSeeds} [0: one per training seed], {@code noise} [0, 5, 10], {@code epochs} [0: by TrainingLength],
 * {@code batchSize} [0: by TrainingLength], {@code lr} [1e-3, constant over the run], {@code mmlsyn} (any {@link MMLSynConfig} field),
 * {@code imagetext} (any {@link ImageTextConfig} field), {@code qmfCompat} [false], and the
 * regularisers' settings {@code c3r}, {@code imml}, {@code cmir} (any field of {@link C3RConfig},
 * {@link IMMLConfig}, {@link CmIRConfig}; spec defaults otherwise). {@code dataset} may also be a
 * feature file or manifest (relative to the working directory); {@code featureFile} then sets any
 * {@link FeatureFileOptions} field (split ratios, {@code splitSeed}, {@code standardize}, …). Or
 * an image+text manifest ({@code .jsonl}, or a {@code .csv} naming an image column); {@code folder}
 * then sets any {@link ImageTextFolderOptions} field (fields, splits, image size, tokenizer, …)
 * and {@code encoders} lists pretrained TorchScript encoders ({@link PretrainedEncoderSpec}:
 * {@code modality}, {@code file}, {@code mode}, {@code input}) for any dataset.
 */
public record GridConfig(String name, String dataset, List<String> models, List<String> regularizers, List<Long> seeds,
                         int evalSeeds, List<Double> noise, int epochs, int batchSize, double lr, MMLSynConfig mmlsyn,
                         ImageTextConfig imagetext, boolean qmfCompat, C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir,
                         FeatureFileOptions featureFile, ImageTextFolderOptions folder, List<PretrainedEncoderSpec> encoders) {

    public GridConfig(String name, String dataset, List<String> models, List<String> regularizers, List<Long> seeds,
                      int evalSeeds, List<Double> noise, int epochs, int batchSize, double lr, MMLSynConfig mmlsyn,
                      ImageTextConfig imagetext, boolean qmfCompat, C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir) {
        this(name, dataset, models, regularizers, seeds, evalSeeds, noise, epochs, batchSize, lr, mmlsyn, imagetext, qmfCompat, c3r, imml,
                cmir, null, null, null);
    }

    /** Whether the grid's dataset is a feature file or feature manifest (not an image+text manifest). */
    public boolean isFileDataset() {
        return !isImageTextManifest() && DataSource.namesFile(dataset);
    }

    /** Whether the grid's dataset is an image+text manifest ({@code .jsonl}, or a {@code .csv} with an image column). */
    public boolean isImageTextManifest() {
        return DataSource.isImageTextManifest(dataset, folder == null ? null : folder.imageField());
    }

    /** The regularisers' settings that differ from the spec's defaults, for the report's header ("" if none). */
    public String regularizerDescription() {
        StringBuilder b = new StringBuilder();
        if (!c3r.equals(C3RConfig.defaults())) b.append(" C3R settings: ").append(c3r).append('.');
        if (!imml.equals(IMMLConfig.defaults())) b.append(" IMML settings: ").append(imml).append('.');
        if (!cmir.equals(CmIRConfig.defaults())) b.append(" CmIR settings: ").append(cmir).append('.');
        return b.toString();
    }

    /** The settings of the dataset the grid names, as they go into the report's header. */
    public String dataDescription() {
        if (isImageTextManifest()) {
            ImageTextFolderOptions o = folder == null ? ImageTextFolderOptions.defaults() : folder;
            return String.format(Locale.ROOT, "%s (image+text manifest; %d×%d crops, %d %s tokens%s%s)", dataset, o.imageSize(),
                    o.imageSize(), o.textLength(), o.tokenizer().equals("word") ? "word" : "subword",
                    o.valManifest() != null || o.testManifest() != null ? "; given split files"
                            : String.format(Locale.ROOT, "; split column '%s' or stratified %.2f/%.2f/%.2f, seed %d", o.splitField(),
                                    o.splitRatios().get(0), o.splitRatios().get(1), o.splitRatios().get(2), o.splitSeed()),
                    encoders.isEmpty() ? "" : "; pretrained " + encoders.stream().map(e -> e.modality() + "=" + e.file() + " (" + e.mode() + ")").toList());
        }
        if (isFileDataset()) {
            FeatureFileOptions o = featureFile == null ? FeatureFileOptions.defaults() : featureFile;
            return String.format(Locale.ROOT, "%s (split: the file's own train/test with %.2f of train for validation,"
                    + " or stratified %.2f/%.2f/%.2f; seed %d; %s)", dataset, o.valRatio(), o.trainRatio(), o.valRatio(), o.testRatio(),
                    o.splitSeed(), o.standardize() ? "views z-scored on train" : "raw features");
        }
        return dataset.equals("imagetext")
                ? String.format(Locale.ROOT, "imagetext (%d train, %d test, %d×%d images, %d-word texts%s)", imagetext.trainSize(),
                        imagetext.testSize(), imagetext.imageSize(), imagetext.imageSize(), imagetext.textLength(),
                        imagetext.hasBadge() ? String.format(Locale.ROOT, ", class badge s = %.2f train / %.2f test",
                                imagetext.spuriousTrain(), imagetext.spuriousTest()) : "")
                : String.format(Locale.ROOT, "mmlsyn (%d train, s = %.1f train / %.1f test)", mmlsyn.trainSize(),
                        mmlsyn.spuriousTrain(), mmlsyn.spuriousTest());
    }

    public GridConfig {
        // a grid is checked whole before its first cell trains: a bad value found after hours of training wastes them
        if (name == null || name.isBlank()) throw new UserInputException("the grid's name must not be empty");
        boolean manifest = DataSource.isImageTextManifest(dataset, folder == null ? null : folder.imageField());
        boolean file = !manifest && DataSource.namesFile(dataset);
        if (!ExperimentSpec.DATASETS.contains(dataset) && !file && !manifest) {
            throw new UserInputException("unknown dataset '" + dataset + "'; available: " + String.join(", ", ExperimentSpec.DATASETS)
                    + ", a feature file (.mat, .npz, .csv) or manifest (.yaml), or an image+text manifest (.jsonl, or .csv with an image column)");
        }
        if (manifest && !Files.isRegularFile(Path.of(dataset))) {
            throw new UserInputException("image+text manifest " + dataset + " does not exist (paths are relative to the working directory)");
        }
        folder = manifest ? (folder == null ? ImageTextFolderOptions.defaults() : folder) : null;
        encoders = encoders == null ? List.of() : List.copyOf(encoders);
        for (PretrainedEncoderSpec e : encoders) {
            if (!Files.isRegularFile(Path.of(e.file()))) {
                throw new UserInputException("pretrained encoder of modality '" + e.modality() + "': TorchScript file " + e.file()
                        + " does not exist (paths are relative to the working directory)");
            }
        }
        models = nonEmpty("models", models);
        for (String m : models) Baselines.requireAvailable(m);
        regularizers = nonEmpty("regularizers", regularizers);
        for (String r : regularizers) {
            if (!Regularizers.NAMES.contains(r)) throw new UserInputException("unknown regularizer '" + r + "'; expected one of " + Regularizers.NAMES);
        }
        ExperimentSpec.requireDistinct("model", models);
        ExperimentSpec.requireDistinct("regularizer", regularizers);
        seeds = nonEmpty("seeds", seeds);
        ExperimentSpec.requireDistinct("seed", seeds);
        noise = nonEmpty("noise", noise);
        for (Double e : noise) {
            if (!(e >= 0 && e < Double.POSITIVE_INFINITY)) throw new UserInputException("noise levels must be finite numbers >= 0, got " + e);
        }
        ExperimentSpec.requireDistinct("noise level", noise);
        if (evalSeeds < 0) throw new UserInputException("evalSeeds must be >= 0, got " + evalSeeds);
        if (epochs < 0) throw new UserInputException("epochs must be > 0 (or 0 for the default rule), got " + epochs);
        if (batchSize < 0) throw new UserInputException("batchSize must be > 0 (or 0 for the default rule), got " + batchSize);
        if (!(lr > 0 && lr < Double.POSITIVE_INFINITY)) throw new UserInputException("lr must be a finite number > 0, got " + lr);
        if (mmlsyn == null || imagetext == null || c3r == null || imml == null || cmir == null) {
            throw new UserInputException("the grid's mmlsyn, imagetext, c3r, imml and cmir settings must not be null");
        }
        if (file && featureFile == null) featureFile = FeatureFileOptions.defaults();
        if (!file) featureFile = null;
        int valSize = file ? (featureFile.valRatio() > 0 ? 1 : 0) : manifest ? 1
                : dataset.equals("imagetext") ? imagetext.valSize() : mmlsyn.valSize();
        if (file && valSize <= 0) throw new UserInputException("featureFile.valRatio must be > 0 (the validation set is reported)");
        if (valSize <= 0) throw new UserInputException(dataset + ".valSize must be > 0 (the validation set is reported), got " + valSize);
    }

    private static <T> List<T> nonEmpty(String field, List<T> values) {
        if (values == null || values.isEmpty()) throw new UserInputException("'" + field + "' must list at least one value");
        for (T v : values) if (v == null) throw new UserInputException("'" + field + "' holds a null: " + values);
        return List.copyOf(values);
    }

    /** The keys a config file may hold: exactly the record's components (any other key is a typo). */
    public static final List<String> KEYS = Arrays.stream(GridConfig.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    /**
     * A config file as written: every key optional (absent = the default), but none unknown and
     * none of the wrong type ({@code "epochs": "one"} is an error, not the default).
     */
    private record Raw(String name, String dataset, List<String> models, List<String> regularizers, List<Long> seeds,
                       Integer evalSeeds, List<Double> noise, Integer epochs, Integer batchSize, Double lr, JsonNode mmlsyn,
                       JsonNode imagetext, Boolean qmfCompat, JsonNode c3r, JsonNode imml, JsonNode cmir, JsonNode featureFile,
                       JsonNode folder, List<PretrainedEncoderSpec> encoders) {}

    private static ObjectMapper strict(ObjectMapper m) {
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        m.configure(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        m.coercionConfigDefaults().setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Enum}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        }
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    private static final ObjectMapper JSON = strict(new ObjectMapper());
    private static final ObjectMapper YAML = strict(new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()));

    public static GridConfig read(Path file) throws IOException {
        String fname = file.getFileName().toString();
        boolean yaml = fname.endsWith(".yaml") || fname.endsWith(".yml");
        if (Files.isDirectory(file)) throw new UserInputException("experiment config " + file + " is a directory, not a file");
        if (!Files.exists(file)) throw new UserInputException("experiment config " + file + " does not exist");
        ObjectMapper mapper = yaml ? YAML : JSON;
        JsonNode n;
        try {
            n = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new UserInputException(file + ": not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot read experiment config " + file + ": " + e.getMessage(), e);
        }
        if (n == null || n.isMissingNode()) throw new UserInputException(file + ": the experiment config is empty");
        if (!n.isObject()) throw new UserInputException(file + ": an experiment config is a " + (yaml ? "YAML mapping" : "JSON object")
                + " of keys " + KEYS);
        n.properties().forEach(e -> {
            if (!KEYS.contains(e.getKey())) {
                throw new UserInputException(file + ": unknown key '" + e.getKey() + "' (known keys: " + String.join(", ", KEYS) + ")");
            }
            if (e.getValue().isNull()) throw new UserInputException(file + ": key '" + e.getKey() + "' is null; give a value or leave the key out");
        });
        Raw r = bind(mapper, n, Raw.class, file, "");
        // settings of a dataset or regulariser the grid does not use would be ignored: a mistake, not a no-op
        String dataset = or(r.dataset(), "mmlsyn");
        List<String> regs = or(r.regularizers(), List.of("none", "c3r"));
        for (String d : ExperimentSpec.DATASETS) {
            if (n.has(d) && !d.equals(dataset)) {
                throw new UserInputException(file + ": key '" + d + "' has no effect: the grid's dataset is '" + dataset
                        + "'; remove it, or set \"dataset\": \"" + d + "\"");
            }
        }
        JsonNode folderGiven = r.folder();
        if (folderGiven instanceof ObjectNode o && !o.has("resize")) {
            // the default resize follows the image size (8/7 of it), so it is left for the options to derive
            folderGiven = o.deepCopy().put("resize", 0);
        }
        ImageTextFolderOptions folder = merge(mapper, folderGiven, "folder", ImageTextFolderOptions.defaults(), ImageTextFolderOptions.class, file);
        boolean manifest = DataSource.isImageTextManifest(dataset, folder == null ? null : folder.imageField());
        if (n.has("folder") && !manifest) {
            throw new UserInputException(file + ": key 'folder' has no effect: the grid's dataset '" + dataset
                    + "' is not an image+text manifest; remove it, or set \"dataset\" to a .jsonl manifest (or a .csv with an image column)");
        }
        if (n.has("featureFile") && (manifest || !DataSource.namesFile(dataset))) {
            throw new UserInputException(file + ": key 'featureFile' has no effect: the grid's dataset '" + dataset
                    + "' is not a feature file; remove it, or set \"dataset\" to a .mat, .npz, .csv or manifest path");
        }
        for (String reg : List.of("c3r", "imml", "cmir")) {
            if (n.has(reg) && !regs.contains(reg)) {
                throw new UserInputException(file + ": key '" + reg + "' has no effect: the grid's regularizers are " + regs
                        + "; remove it, or add \"" + reg + "\" to regularizers");
            }
        }
        MMLSynConfig syn = merge(mapper, r.mmlsyn(), "mmlsyn", MMLSynConfig.defaults(0), MMLSynConfig.class, file);
        ImageTextConfig it = merge(mapper, r.imagetext(), "imagetext", ImageTextConfig.defaults(0), ImageTextConfig.class, file);
        C3RConfig c3r = merge(mapper, r.c3r(), "c3r", C3RConfig.defaults(), C3RConfig.class, file);
        IMMLConfig imml = merge(mapper, r.imml(), "imml", IMMLConfig.defaults(), IMMLConfig.class, file);
        CmIRConfig cmir = merge(mapper, r.cmir(), "cmir", CmIRConfig.defaults(), CmIRConfig.class, file);
        FeatureFileOptions ff = !manifest && DataSource.namesFile(dataset)
                ? merge(mapper, r.featureFile(), "featureFile", FeatureFileOptions.defaults(), FeatureFileOptions.class, file) : null;
        try {
            return new GridConfig(or(r.name(), fname.replaceFirst("\\.(json|ya?ml)$", "")), or(r.dataset(), "mmlsyn"),
                    or(r.models(), List.of("late-fusion")), or(r.regularizers(), List.of("none", "c3r")), or(r.seeds(), List.of(1L, 2L, 3L)),
                    or(r.evalSeeds(), 0), or(r.noise(), List.of(0.0, 5.0, 10.0)), or(r.epochs(), 0), or(r.batchSize(), 0),
                    or(r.lr(), 1e-3), syn, it, or(r.qmfCompat(), false), c3r, imml, cmir, ff, manifest ? folder : null, r.encoders());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T or(T v, T dflt) {
        return v == null ? dflt : v;
    }

    /** The defaults of {@code type} with the fields the config's object {@code field} gives. */
    private static <T> T merge(ObjectMapper mapper, JsonNode given, String field, T defaults, Class<T> type, Path file) {
        if (given == null) return defaults;
        if (!given.isObject()) throw new UserInputException(file + ": key '" + field + "' must be an object of settings");
        ObjectNode merged = Json.MAPPER.valueToTree(defaults);
        given.properties().forEach(e -> {
            if (!merged.has(e.getKey())) {
                List<String> known = new ArrayList<>();
                merged.fieldNames().forEachRemaining(known::add);
                throw new UserInputException(file + ": unknown key '" + field + "." + e.getKey() + "' (known keys of '" + field + "': "
                        + String.join(", ", known) + ")");
            }
        });
        merged.setAll((ObjectNode) given);
        return bind(mapper, merged, type, file, field + ".");
    }

    private static <T> T bind(ObjectMapper mapper, JsonNode node, Class<T> type, Path file, String prefix) {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof IllegalArgumentException iae) throw new UserInputException(file + ": key '" + prefix.replaceFirst("\\.$", "") + "': " + iae.getMessage(), e);
            String key = prefix + pathOf(e);
            String got = e instanceof InvalidFormatException ife ? " " + Json.MAPPER.valueToTree(ife.getValue()) : "";
            String want = e instanceof MismatchedInputException mie && mie.getTargetType() != null ? typeName(mie.getTargetType()) : "another type";
            throw new UserInputException(file + ": key '" + key + "' has the wrong type: expected " + want
                    + (got.isEmpty() ? "" : ", got" + got), e);
        }
    }

    private static String pathOf(JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException jme)) return "?";
        StringBuilder b = new StringBuilder();
        for (var ref : jme.getPath()) {
            if (ref.getFieldName() != null) b.append(b.isEmpty() ? "" : ".").append(ref.getFieldName());
            else if (ref.getIndex() >= 0) b.append('[').append(ref.getIndex()).append(']');
        }
        return b.toString();
    }

    private static String typeName(Class<?> t) {
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return "an integer";
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return "a number";
        if (t == boolean.class || t == Boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (t.isEnum()) return "one of " + Arrays.toString(t.getEnumConstants()).toLowerCase(Locale.ROOT);
        if (List.class.isAssignableFrom(t) || t.isArray()) return "a list";
        return "a " + t.getSimpleName();
    }
}
