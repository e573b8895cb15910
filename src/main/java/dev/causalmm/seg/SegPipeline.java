package dev.causalmm.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import dev.causalmm.nn.Init;
import dev.causalmm.nn.UNet3d;
import dev.causalmm.nn.UNetConfig;
import dev.causalmm.train.ProgressBar;
import dev.causalmm.train.metrics.MetricsLoggers;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import dev.causalmm.io.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.Function;

/**
 * The three segmentation workflows end to end, as a library user (or the CLI) calls them: train on
 * a folder of cases, evaluate a checkpoint folder on another folder (the 15-subset table), predict
 * label volumes. The checkpoint folder records the data options, so evaluation and prediction read
 * new data exactly as training did.
 */
public final class SegPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(SegPipeline.class);

    private SegPipeline() {}

    /** Discovers and preprocesses every case of {@code data}. */
    public static List<SegVolume> load(Path data, SegDataOptions options) throws IOException {
        return load(data, CaseDiscovery.discover(data, options), options);
    }

    /** Preprocesses the discovered {@code cases} of {@code data}. */
    static List<SegVolume> load(Path data, List<SegCase> cases, SegDataOptions options) throws IOException {
        LOG.info("{}: {} case(s) {}", data, cases.size(), cases.stream().map(SegCase::id).toList());
        try (SegPreprocessor p = new SegPreprocessor(options)) {
            List<SegVolume> out = new ArrayList<>();
            for (SegCase c : cases) out.add(p.load(c));
            return out;
        }
    }

    /** Trains a U-Net by {@code recipe} on the labelled cases of {@code data} and writes the checkpoint folder {@code out}. */
    public static SegTrainer.Result train(Path data, SegDataOptions options, SegRecipe recipe, Path out) throws IOException {
        return train(data, options, recipe, out, false, MetricsLoggers.DEFAULT);
    }

    /**
     * Trains a U-Net on the labelled cases of {@code data}, on a grid {@code recipe.downsample()}
     * times coarser than the cases' ({@link Resampling}; the patch is in coarse voxels), and writes
     * the checkpoint folder {@code out} with the metric files {@code loggers} selects. With
     * {@code resume}, continues the run whose checkpoint is in {@code out} (same recipe) up to
     * {@code recipe.steps()}, exactly as if it had not stopped.
     */
    public static SegTrainer.Result train(Path data, SegDataOptions options, SegRecipe recipe, Path out, boolean resume,
                                          MetricsLoggers loggers) throws IOException {
        return train(data, options, recipe, out, resume, loggers, false);
    }

    /**
     * As {@link #train(Path, SegDataOptions, SegRecipe, Path, boolean, MetricsLoggers)}; first claims
     * {@code out} ({@link OutputFolder}): a folder of another run or command is refused before any
     * work unless {@code overwrite}.
     */
    public static SegTrainer.Result train(Path data, SegDataOptions options, SegRecipe recipe, Path out, boolean resume,
                                          MetricsLoggers loggers, boolean overwrite) throws IOException {
        String set = data.toAbsolutePath().normalize().getFileName() + "";
        List<SegCase> cases = new ArrayList<>();
        return train(new Source(options, Json.object(), () -> {
            cases.addAll(CaseDiscovery.discover(data, options));
            requireEveryModalitySeen(data, cases, options.modalityNames()); // before anything is read
            return load(data, cases, options);
        }, id -> set, data, cases), recipe, out, resume, loggers, overwrite);
    }

    /**
     * Trains on every case of every set of a cases manifest ({@link CasesManifest}): each set read with
     * its own globs, label scheme and normalisation into the manifest's channel order, absent
     * modalities absent. The checkpoint records the manifest, the training cases with their sets and
     * modalities, and the first set's data options (the default of seg-eval and seg-predict).
     *
     * @param cache where preprocessed cases are cached, or empty
     */
    public static SegTrainer.Result train(CasesManifest cases, Optional<Path> cache, SegRecipe recipe, Path out, boolean resume,
                                          MetricsLoggers loggers, boolean overwrite) throws IOException {
        Map<String, String> setOf = new LinkedHashMap<>();
        List<SegCase> trained = new ArrayList<>();
        ObjectNode extra = Json.object();
        extra.set("cases", cases.toJson());
        return train(new Source(cases.sets().getFirst().options(), extra, () -> {
            List<CasesManifest.Found> found = cases.discover();
            found.forEach(f -> setOf.put(f.segCase().id(), f.set().name()));
            found.forEach(f -> trained.add(f.segCase()));
            requireEveryModalitySeen(cases.source(), trained, cases.modalities()); // before anything is read
            return load(found, cache);
        }, setOf::get, cases.source(), trained), recipe, out, resume, loggers, overwrite);
    }

    /**
     * Where training cases come from: the options recorded for eval/predict, extra data fields, the
     * loader, each case's set, and the cases the loader found (filled when it runs).
     */
    private record Source(SegDataOptions recorded, ObjectNode extra, IoSupplier<List<SegVolume>> loader,
                          Function<String, String> setOf, Path input, List<SegCase> cases) {}

    /** A supplier that may fail with an {@link IOException}. */
    interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static SegTrainer.Result train(Source src, SegRecipe recipe, Path out, boolean resume, MetricsLoggers loggers, boolean overwrite)
            throws IOException {
        if (recipe.lckd() != null) SegLckd.requireSharedEncoder(recipe.fusion());   // before any case is read
        List<String> modalities = src.recorded().modalityNames();
        UNetConfig uc = recipe.unet(modalities.size());
        ObjectNode data = optionsJson(src.recorded());
        data.setAll(src.extra());
        SegModelConfig probe = new SegModelConfig(uc, modalities, recipe.patchSides(), recipe.seed(), src.recorded().labelScheme().name(),
                data, recipe.downsample());
        OutputFolder.check(out, SegCheckpoint.provenance(probe), overwrite, src.input());
        List<SegVolume> raw = src.loader().get();
        data.set("trainingCases", casesJson(raw, src.setOf()));
        SegModelConfig cfg = new SegModelConfig(uc, modalities, recipe.patchSides(), recipe.seed(), src.recorded().labelScheme().name(),
                data, recipe.downsample());
        List<SegVolume> volumes = raw.stream().map(v -> Resampling.downsample(v, recipe.downsample())).toList();
        requirePatchFits(volumes, recipe);
        OutputFolder.claim(out, SegCheckpoint.provenance(cfg), overwrite, src.input());
        TrainingCases.write(out, src.cases());
        PatchSampler sampler = new PatchSampler(volumes, recipe.sampling(), recipe.seed() ^ 0x5A3D1E5L);
        try (UNet3d model = new UNet3d(uc, Init.seeded(recipe.seed()))) {
            model.to(recipe.device());
            return SegTrainer.train(model, cfg, sampler, recipe, out, new ProgressBar("seg-train"), resume, loggers);
        }
    }

    /** Each training case: its id, its set and the modalities it has (what the held-out report lists). */
    static com.fasterxml.jackson.databind.node.ArrayNode casesJson(List<SegVolume> volumes, Function<String, String> setOf) {
        var a = Json.MAPPER.createArrayNode();
        for (SegVolume v : volumes) {
            ObjectNode o = a.addObject();
            o.put("case", v.id());
            o.put("set", setOf.apply(v.id()));
            var m = o.putArray("modalities");
            for (int i = 0; i < v.modalities().size(); i++) if (v.has(i)) m.add(v.modalities().get(i));
        }
        return a;
    }

    /** Preprocesses the cases a manifest found, each with its set's options. */
    static List<SegVolume> load(List<CasesManifest.Found> found, Optional<Path> cache) throws IOException {
        List<SegVolume> out = new ArrayList<>();
        Map<CasesManifest.CaseSet, SegPreprocessor> byset = new LinkedHashMap<>();
        try {
            for (CasesManifest.Found f : found) {
                SegPreprocessor p = byset.computeIfAbsent(f.set(), s -> new SegPreprocessor(s.options().withCacheDir(cache.orElse(null))));
                out.add(p.load(f.segCase()));
            }
        } finally {
            byset.values().forEach(SegPreprocessor::close);
        }
        LOG.info("{} case(s) from {} set(s): {}", out.size(), byset.size(), out.stream().map(SegVolume::id).toList());
        return out;
    }

    /**
     * The checkpoint's model takes the options' modalities and windows: as many modalities as it was
     * trained on, and window sides that its U-Net can halve {@code depth} times (on the training grid).
     */
    static void requireFits(SegModelConfig cfg, SegDataOptions options, SegEvaluation.Settings settings) {
        List<String> names = options.modalityNames();
        if (names.size() != cfg.modalities().size()) {
            throw new IllegalArgumentException("--modality gives " + names.size() + " modalities " + names + ", but the checkpoint's model takes "
                    + cfg.modalities().size() + " " + cfg.modalities() + ": give its modalities, in that order");
        }
        int divisor = cfg.unet().divisor();
        for (int side : settings.window().patch()) {
            if (side % divisor != 0) {
                throw new IllegalArgumentException("--window " + side + ": the checkpoint's U-Net of depth " + cfg.unet().depth()
                        + " needs a multiple of " + divisor + " (its training patch is " + cfg.patch()[0] + ")");
            }
        }
    }

    /**
     * A model input no training case has would be trained on zeros alone and then be fed real scans:
     * refused, naming the modality, rather than training a model that never saw it.
     */
    static void requireEveryModalitySeen(Path data, List<SegCase> cases, List<String> modalities) {
        for (String m : modalities) {
            if (cases.stream().noneMatch(c -> c.modalityFiles().containsKey(m))) {
                throw new IllegalArgumentException("--modality " + m + ": none of the " + cases.size() + " case(s) in " + data
                        + " has a " + m + " file, so the model would never see it; drop it from --modality, or check the file names");
            }
        }
    }

    /**
     * The rule for patches larger than the data: a patch may exceed a case's side (it is padded
     * with zeros there, as before), but not the largest side of every case: such a patch is mostly
     * padding, and at --patch 512 one patch alone is gigabytes.
     */
    static void requirePatchFits(List<SegVolume> volumes, SegRecipe recipe) {
        int largest = volumes.stream().flatMapToInt(v -> Arrays.stream(v.shape())).max().orElse(0);
        if (recipe.patch() > largest) {
            throw new IllegalArgumentException("--patch " + recipe.patch() + " is larger than every case (largest side " + largest
                    + " voxels" + (recipe.downsample() > 1 ? " at --downsample " + recipe.downsample() : "") + "); use at most " + largest);
        }
    }

    /** Evaluates the checkpoint folder (or an export of it, {@link TrainedSegModel}) on the labelled cases of {@code data}; writes results.json, report.md and the heat map. */
    public static SegEvaluation.Result evaluate(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                                SegEvaluation.Settings settings, Path out) throws IOException {
        return evaluate(checkpoint, data, override, settings, out, false);
    }

    /** As {@link #evaluate(Path, Path, Optional, SegEvaluation.Settings, Path)}, claiming {@code out} first ({@link #claim}). */
    public static SegEvaluation.Result evaluate(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                                SegEvaluation.Settings settings, Path out, boolean overwrite) throws IOException {
        SegModelConfig cfg = TrainedSegModel.readConfig(checkpoint);
        SegDataOptions options = override.orElseGet(() -> optionsFromJson(cfg.data()));
        requireFits(cfg, options, settings); // before the output folder is claimed: a refusal writes nothing
        for (String seen : HeldOut.trainingOverlap(cfg.data(), CaseDiscovery.discover(data, options).stream().map(SegCase::id).toList(),
                List.of())) {
            LOG.warn("{} was a training case of {}: its scores are not held-out scores", seen, checkpoint);
        }
        check(Provenance.Kind.SEG_EVAL, checkpoint, data, out, overwrite);
        List<SegCase> evaluated = CaseDiscovery.discover(data, options);
        TrainingCases leakage = TrainingCases.of(checkpoint, evaluated);
        List<SegVolume> volumes = load(data, evaluated, options); // a bad case is refused before the folder is claimed
        claim(Provenance.Kind.SEG_EVAL, checkpoint, data, out, overwrite);
        return evaluate(checkpoint, cfg, volumes, settings, out, data.getFileName().toString(), leakage);
    }

    /**
     * Evaluates the checkpoint folder (or its export) on every case of a cases manifest, each set read
     * with its own globs and label scheme. A case the model was trained on, or the same patient
     * as one (the {@code patients} of this manifest or of the training manifest), is refused.
     */
    public static SegEvaluation.Result evaluate(Path checkpoint, CasesManifest cases, Optional<Path> cache, SegEvaluation.Settings settings,
                                                Path out, boolean overwrite) throws IOException {
        SegModelConfig cfg = TrainedSegModel.readConfig(checkpoint);
        if (!cases.modalities().equals(cfg.modalities())) {
            throw new UserInputException(cases.source() + ": 'modalities' " + cases.modalities() + " differ from the model's channel order "
                    + cfg.modalities() + "; list the model's modalities, in that order");
        }
        requireFits(cfg, cases.sets().getFirst().options(), settings);
        List<CasesManifest.Found> found = cases.discover();
        List<String> seen = HeldOut.trainingOverlap(cfg.data(), found.stream().map(f -> f.segCase().id()).toList(), cases.patients());
        if (!seen.isEmpty()) {
            throw new UserInputException(cases.source() + ": " + String.join("; ", seen) + " (training cases of " + checkpoint
                    + "); evaluate on cases the model has not seen");
        }
        check(Provenance.Kind.SEG_EVAL, checkpoint, cases.source(), out, overwrite);
        TrainingCases leakage = TrainingCases.of(checkpoint, found.stream().map(CasesManifest.Found::segCase).toList());
        List<SegVolume> volumes = load(found, cache); // a bad case is refused before the folder is claimed
        claim(Provenance.Kind.SEG_EVAL, checkpoint, cases.source(), out, overwrite);
        return evaluate(checkpoint, cfg, volumes, settings, out, cases.source().getFileName().toString(), leakage);
    }

    private static SegEvaluation.Result evaluate(Path checkpoint, SegModelConfig cfg, List<SegVolume> volumes, SegEvaluation.Settings settings,
                                                 Path out, String dataName, TrainingCases leakage) throws IOException {
        settings = settings.withDownsample(cfg.downsample());
        try (TrainedSegModel trained = TrainedSegModel.open(checkpoint)) {
            UNet3d model = trained.model();
            int total = SegEvaluation.predictionCount(cfg.modalities(), volumes);
            StepBar bar = new StepBar("seg-eval", total);
            SegEvaluation.Result r = SegEvaluation.run(model, cfg.modalities(), volumes, settings, bar::update);
            bar.done();
            SegReport.write(out, r, "Segmentation: " + checkpoint.getFileName() + " on " + dataName, leakage, cfg.data().path("trainingCases"));
            return r;
        }
    }

    /**
     * Claims {@code out} for the outputs of {@code kind} from the checkpoint folder {@code checkpoint}
     * (its path and the SHA-256 of its weights), before any case is read: another checkpoint's or
     * another command's folder, the checkpoint folder itself or the data folder are refused.
     */
    /** The ownership check of {@link #claim}, writing nothing: before the cases are read. */
    static void check(Provenance.Kind kind, Path checkpoint, Path data, Path out, boolean overwrite) throws IOException {
        Path model = Files.isDirectory(checkpoint) ? checkpoint : checkpoint.toAbsolutePath().getParent();
        OutputFolder.check(out, Provenance.ofInput(kind, checkpoint, TrainedSegModel.weightsFile(checkpoint)), overwrite, model, data);
    }

    static void claim(Provenance.Kind kind, Path checkpoint, Path data, Path out, boolean overwrite) throws IOException {
        Path model = Files.isDirectory(checkpoint) ? checkpoint : checkpoint.toAbsolutePath().getParent();
        OutputFolder.claim(out, Provenance.ofInput(kind, checkpoint, TrainedSegModel.weightsFile(checkpoint)), overwrite, model, data);
    }

    /**
     * Writes one label volume per case ({@code <case>_pred.nii.gz}) with all of the case's modalities
     * present; {@code checkpoint} is a seg-train folder or an export of one ({@link TrainedSegModel#open}).
     */
    public static List<Path> predict(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                     SegEvaluation.Settings settings, Path out) throws IOException {
        return predict(checkpoint, data, override, settings, out, false);
    }

    /** As {@link #predict(Path, Path, Optional, SegEvaluation.Settings, Path)}, claiming {@code out} first ({@link #claim}). */
    public static List<Path> predict(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                     SegEvaluation.Settings settings, Path out, boolean overwrite) throws IOException {
        return predict(checkpoint, data, override, settings, out, overwrite, PredictionLayout.FLAT);
    }

    /** As {@link #predict(Path, Path, Optional, SegEvaluation.Settings, Path, boolean)}, each case's file placed by {@code layout}. */
    public static List<Path> predict(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                     SegEvaluation.Settings settings, Path out, boolean overwrite, PredictionLayout layout) throws IOException {
        SegModelConfig cfg = TrainedSegModel.readConfig(checkpoint);
        SegDataOptions options = override.orElseGet(() -> optionsFromJson(cfg.data()));
        requireFits(cfg, options, settings); // before the output folder is claimed: a refusal writes nothing
        check(Provenance.Kind.SEG_PREDICT, checkpoint, data, out, overwrite);
        List<SegVolume> volumes = load(data, options); // a bad case is refused before the folder is claimed
        claim(Provenance.Kind.SEG_PREDICT, checkpoint, data, out, overwrite);
        settings = settings.withDownsample(cfg.downsample());
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        try (TrainedSegModel trained = TrainedSegModel.open(checkpoint)) {
            UNet3d model = trained.model();
            StepBar bar = new StepBar("seg-predict", volumes.size());
            int i = 0;
            for (SegVolume v : volumes) {
                float[][] probs = SlidingWindow.predict(model, v, (1 << cfg.modalities().size()) - 1, settings.window());
                byte[] regions = SlidingWindow.regions(probs, settings.thresholds(), settings.etMinVoxels());
                Path file = layout.file(out, v.id());
                Files.createDirectories(file.getParent());
                SegPredictions.writeLabels(file, regions, v.shape(), v.geometry(), options.labelScheme());
                written.add(file);
                LOG.info("{} -> {}", v.id(), file);
                bar.update(++i);
            }
            bar.done();
        }
        return written;
    }

    /** The data options as recorded in a checkpoint folder. */
    public static ObjectNode optionsJson(SegDataOptions o) {
        ObjectNode n = Json.object();
        ObjectNode m = n.putObject("modalities");
        o.modalities().forEach(m::put);
        o.labelGlob().ifPresent(g -> n.put("label", g));
        o.maskGlob().ifPresent(g -> n.put("mask", g));
        n.put("labelScheme", o.labelScheme().mapText());
        n.put("normalise", o.normalise().name().toLowerCase(Locale.ROOT));
        n.put("cropMargin", o.cropMargin());
        return n;
    }

    public static SegDataOptions optionsFromJson(JsonNode n) {
        if (n == null || !n.has("modalities")) {
            throw new IllegalArgumentException("the checkpoint records no data options: give --modality/--label explicitly");
        }
        Map<String, String> m = new LinkedHashMap<>();
        n.get("modalities").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return new SegDataOptions(m, Optional.ofNullable(n.get("label")).map(JsonNode::asText),
                Optional.ofNullable(n.get("mask")).map(JsonNode::asText), LabelScheme.parse(n.get("labelScheme").asText()),
                SegDataOptions.Normalise.parse(n.get("normalise").asText()), n.get("cropMargin").asInt(), Optional.empty());
    }

    /** A progress bar over a known number of units of work (predictions, cases). */
    static final class StepBar {
        private final ProgressBar bar;
        private final int total;

        StepBar(String label, int total) {
            this.bar = new ProgressBar(label);
            this.total = Math.max(1, total);
            bar.onEpochStart(0, 1);
        }

        void update(int done) {
            bar.onBatchEnd(0, done - 1, total, done, () -> 0.0);
        }

        void done() {}
    }
}
