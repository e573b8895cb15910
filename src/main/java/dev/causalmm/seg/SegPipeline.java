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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        List<SegCase> cases = CaseDiscovery.discover(data, options);
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
        List<String> modalities = options.modalityNames();
        UNetConfig uc = recipe.unet(modalities.size());
        SegModelConfig cfg = new SegModelConfig(uc, modalities, recipe.patchSides(), recipe.seed(), options.labelScheme().name(),
                optionsJson(options), recipe.downsample());
        OutputFolder.check(out, SegCheckpoint.provenance(cfg), overwrite, data);
        List<SegVolume> volumes = load(data, options).stream().map(v -> Resampling.downsample(v, recipe.downsample())).toList();
        requirePatchFits(volumes, recipe);
        OutputFolder.claim(out, SegCheckpoint.provenance(cfg), overwrite, data);
        PatchSampler sampler = new PatchSampler(volumes, recipe.sampling(), recipe.seed() ^ 0x5A3D1E5L);
        try (UNet3d model = new UNet3d(uc, Init.seeded(recipe.seed()))) {
            model.to(recipe.device());
            return SegTrainer.train(model, cfg, sampler, recipe, out, new ProgressBar("seg-train"), resume, loggers);
        }
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
     * The rule for patches larger than the data: a patch may exceed a case's side (it is padded
     * with zeros there, as before), but not the largest side of every case: such a patch is mostly
     * padding, and at --patch 512 one patch alone is gigabytes.
     */
    static void requirePatchFits(List<SegVolume> volumes, SegRecipe recipe) {
        int largest = volumes.stream().flatMapToInt(v -> java.util.Arrays.stream(v.shape())).max().orElse(0);
        if (recipe.patch() > largest) {
            throw new IllegalArgumentException("--patch " + recipe.patch() + " is larger than every case (largest side " + largest
                    + " voxels" + (recipe.downsample() > 1 ? " at --downsample " + recipe.downsample() : "") + "); use at most " + largest);
        }
    }

    /** Evaluates the checkpoint folder on the labelled cases of {@code data}; writes results.json, report.md and the heat map. */
    public static SegEvaluation.Result evaluate(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                                SegEvaluation.Settings settings, Path out) throws IOException {
        return evaluate(checkpoint, data, override, settings, out, false);
    }

    /** As {@link #evaluate(Path, Path, Optional, SegEvaluation.Settings, Path)}, claiming {@code out} first ({@link #claim}). */
    public static SegEvaluation.Result evaluate(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                                SegEvaluation.Settings settings, Path out, boolean overwrite) throws IOException {
        SegModelConfig cfg = SegCheckpoint.readConfig(checkpoint);
        SegDataOptions options = override.orElseGet(() -> optionsFromJson(cfg.data()));
        requireFits(cfg, options, settings); // before the output folder is claimed: a refusal writes nothing
        claim(Provenance.Kind.SEG_EVAL, checkpoint, data, out, overwrite);
        List<SegVolume> volumes = load(data, options);
        settings = settings.withDownsample(cfg.downsample());
        try (UNet3d model = SegCheckpoint.load(checkpoint, cfg)) {
            int total = SegEvaluation.predictionCount(cfg.modalities(), volumes);
            StepBar bar = new StepBar("seg-eval", total);
            SegEvaluation.Result r = SegEvaluation.run(model, cfg.modalities(), volumes, settings, bar::update);
            bar.done();
            SegReport.write(out, r, "Segmentation: " + checkpoint.getFileName() + " on " + data.getFileName());
            return r;
        }
    }

    /**
     * Claims {@code out} for the outputs of {@code kind} from the checkpoint folder {@code checkpoint}
     * (its path and the SHA-256 of its weights), before any case is read: another checkpoint's or
     * another command's folder, the checkpoint folder itself or the data folder are refused.
     */
    static void claim(Provenance.Kind kind, Path checkpoint, Path data, Path out, boolean overwrite) throws IOException {
        OutputFolder.claim(out, Provenance.ofInput(kind, checkpoint, checkpoint.resolve(SegCheckpoint.WEIGHTS)), overwrite, checkpoint, data);
    }

    /** Writes one label volume per case ({@code <case>_pred.nii.gz}) with all of the case's modalities present. */
    public static List<Path> predict(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                     SegEvaluation.Settings settings, Path out) throws IOException {
        return predict(checkpoint, data, override, settings, out, false);
    }

    /** As {@link #predict(Path, Path, Optional, SegEvaluation.Settings, Path)}, claiming {@code out} first ({@link #claim}). */
    public static List<Path> predict(Path checkpoint, Path data, Optional<SegDataOptions> override,
                                     SegEvaluation.Settings settings, Path out, boolean overwrite) throws IOException {
        SegModelConfig cfg = SegCheckpoint.readConfig(checkpoint);
        SegDataOptions options = override.orElseGet(() -> optionsFromJson(cfg.data()));
        requireFits(cfg, options, settings); // before the output folder is claimed: a refusal writes nothing
        claim(Provenance.Kind.SEG_PREDICT, checkpoint, data, out, overwrite);
        List<SegVolume> volumes = load(data, options);
        settings = settings.withDownsample(cfg.downsample());
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        try (UNet3d model = SegCheckpoint.load(checkpoint, cfg)) {
            StepBar bar = new StepBar("seg-predict", volumes.size());
            int i = 0;
            for (SegVolume v : volumes) {
                float[][] probs = SlidingWindow.predict(model, v, (1 << cfg.modalities().size()) - 1, settings.window());
                byte[] regions = SlidingWindow.regions(probs, settings.thresholds(), settings.etMinVoxels());
                Path file = out.resolve(v.id() + "_pred.nii.gz");
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
        n.put("normalise", o.normalise().name().toLowerCase(java.util.Locale.ROOT));
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
