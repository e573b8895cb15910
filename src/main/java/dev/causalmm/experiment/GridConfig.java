package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.data.FeatureFileDatasets;
import dev.causalmm.data.FeatureFileOptions;
import dev.causalmm.data.ImageTextConfig;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.io.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment grid read from JSON or YAML (by extension: {@code .yaml}/{@code .yml}): every model × regulariser cell is trained for every seed and
 * evaluated at every noise level. Fields (defaults in brackets): {@code name}, {@code dataset}
 * [mmlsyn], {@code models} [late-fusion], {@code regularizers} [none, c3r], {@code seeds} [1, 2, 3],
 * {@code evalSeeds} [0: one per training seed], {@code noise} [0, 5, 10], {@code epochs} [10],
 * {@code batchSize} [256], {@code lr} [1e-3], {@code mmlsyn} (any {@link MMLSynConfig} field),
 * {@code imagetext} (any {@link ImageTextConfig} field), {@code qmfCompat} [false], and the
 * regularisers' settings {@code c3r}, {@code imml}, {@code cmir} (any field of {@link C3RConfig},
 * {@link IMMLConfig}, {@link CmIRConfig}; spec defaults otherwise). {@code dataset} may also be a
 * feature file or manifest (relative to the working directory); {@code featureFile} then sets any
 * {@link FeatureFileOptions} field (split ratios, {@code splitSeed}, {@code standardize}, …).
 */
public record GridConfig(String name, String dataset, List<String> models, List<String> regularizers, List<Long> seeds,
                         int evalSeeds, List<Double> noise, int epochs, int batchSize, double lr, MMLSynConfig mmlsyn,
                         ImageTextConfig imagetext, boolean qmfCompat, C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir,
                         FeatureFileOptions featureFile) {

    public GridConfig(String name, String dataset, List<String> models, List<String> regularizers, List<Long> seeds,
                      int evalSeeds, List<Double> noise, int epochs, int batchSize, double lr, MMLSynConfig mmlsyn,
                      ImageTextConfig imagetext, boolean qmfCompat, C3RConfig c3r, IMMLConfig imml, CmIRConfig cmir) {
        this(name, dataset, models, regularizers, seeds, evalSeeds, noise, epochs, batchSize, lr, mmlsyn, imagetext, qmfCompat, c3r, imml,
                cmir, null);
    }

    /** Whether the grid's dataset is a feature file or manifest. */
    public boolean isFileDataset() {
        return FeatureFileDatasets.isFileDataset(dataset);
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
        if (isFileDataset()) {
            FeatureFileOptions o = featureFile == null ? FeatureFileOptions.defaults() : featureFile;
            return String.format(java.util.Locale.ROOT, "%s (split: the file's own train/test with %.2f of train for validation,"
                    + " or stratified %.2f/%.2f/%.2f; seed %d; %s)", dataset, o.valRatio(), o.trainRatio(), o.valRatio(), o.testRatio(),
                    o.splitSeed(), o.standardize() ? "views z-scored on train" : "raw features");
        }
        return dataset.equals("imagetext")
                ? String.format(java.util.Locale.ROOT, "imagetext (%d train, %d test, %d×%d images, %d-word texts%s)", imagetext.trainSize(),
                        imagetext.testSize(), imagetext.imageSize(), imagetext.imageSize(), imagetext.textLength(),
                        imagetext.hasBadge() ? String.format(java.util.Locale.ROOT, ", class badge s = %.2f train / %.2f test",
                                imagetext.spuriousTrain(), imagetext.spuriousTest()) : "")
                : String.format(java.util.Locale.ROOT, "mmlsyn (%d train, s = %.1f train / %.1f test)", mmlsyn.trainSize(),
                        mmlsyn.spuriousTrain(), mmlsyn.spuriousTest());
    }

    public static GridConfig read(Path file) throws IOException {
        JsonNode n;
        String fname = file.getFileName().toString();
        boolean yaml = fname.endsWith(".yaml") || fname.endsWith(".yml");
        try {
            n = yaml ? new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(file.toFile())
                    : Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read experiment config " + file + ": " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(file + ": an experiment config is a JSON object");
        MMLSynConfig syn = merge(n, "mmlsyn", MMLSynConfig.defaults(0), MMLSynConfig.class, file);
        ImageTextConfig it = merge(n, "imagetext", ImageTextConfig.defaults(0), ImageTextConfig.class, file);
        return new GridConfig(text(n, "name", fname.replaceFirst("\\.(json|ya?ml)$", "")),
                text(n, "dataset", "mmlsyn"), strings(n, "models", List.of("late-fusion"), file),
                strings(n, "regularizers", List.of("none", "c3r"), file), longs(n, "seeds", List.of(1L, 2L, 3L), file),
                n.path("evalSeeds").asInt(0), doubles(n, "noise", List.of(0.0, 5.0, 10.0), file),
                n.path("epochs").asInt(10), n.path("batchSize").asInt(256), n.path("lr").asDouble(1e-3), syn, it,
                n.path("qmfCompat").asBoolean(false), merge(n, "c3r", C3RConfig.defaults(), C3RConfig.class, file),
                merge(n, "imml", IMMLConfig.defaults(), IMMLConfig.class, file), merge(n, "cmir", CmIRConfig.defaults(), CmIRConfig.class, file),
                merge(n, "featureFile", FeatureFileOptions.defaults(), FeatureFileOptions.class, file));
    }

    /** The defaults of {@code type} with the fields the config's object {@code field} gives. */
    private static <T> T merge(JsonNode n, String field, T defaults, Class<T> type, Path file) {
        if (!n.has(field)) return defaults;
        if (!n.get(field).isObject()) throw new IllegalArgumentException(file + ": field '" + field + "' must be an object");
        JsonNode merged = Json.MAPPER.valueToTree(defaults);
        ((com.fasterxml.jackson.databind.node.ObjectNode) merged).setAll((com.fasterxml.jackson.databind.node.ObjectNode) n.get(field));
        try {
            return Json.MAPPER.treeToValue(merged, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": field '" + field + "': " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String f, String dflt) {
        return n.has(f) ? n.get(f).asText() : dflt;
    }

    private static List<String> strings(JsonNode n, String f, List<String> dflt, Path file) {
        if (!n.has(f)) return dflt;
        if (!n.get(f).isArray()) throw new IllegalArgumentException(file + ": field '" + f + "' must be an array");
        List<String> out = new ArrayList<>();
        n.get(f).forEach(x -> out.add(x.asText()));
        return out;
    }

    private static List<Long> longs(JsonNode n, String f, List<Long> dflt, Path file) {
        return strings(n, f, dflt.stream().map(String::valueOf).toList(), file).stream().map(s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": field '" + f + "' holds a non-integer '" + s + "'");
            }
        }).toList();
    }

    private static List<Double> doubles(JsonNode n, String f, List<Double> dflt, Path file) {
        return strings(n, f, dflt.stream().map(String::valueOf).toList(), file).stream().map(s -> {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": field '" + f + "' holds a non-number '" + s + "'");
            }
        }).toList();
    }
}
