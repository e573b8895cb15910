package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.FeatureFileOptions;
import dev.causalmm.engine.Device;
import dev.causalmm.eval.TTest;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import dev.causalmm.io.UserInputException;
import dev.causalmm.train.GradientSync;
import dev.causalmm.train.LrSchedule;
import dev.causalmm.train.TrainConfig;
import dev.causalmm.train.metrics.MetricsLoggers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link GridConfig}: one cell per model × regulariser, each written atomically to
 * {@code OUT/cells/<label>/results.json} as soon as it finishes, so a restarted grid skips the
 * finished cells. Then writes {@code OUT/results.json} (every cell), {@code OUT/report.md} (a
 * C3R-Table-1-style table: Avg./Worst. test accuracy per noise level, best in bold, Student t-test
 * p-values of each regularised model against its base) and {@code OUT/accuracy-vs-noise.png}.
 * Each seed's metric files ({@code metrics.csv}, …) lie beside its checkpoints, in
 * {@code OUT/cells/<label>/checkpoints/<label>-seed<k>/}.
 */
public final class GridRunner {
    private GridRunner() {}

    public static ObjectNode run(GridConfig grid, Path out, Device device, boolean progress) throws IOException {
        return run(grid, out, device, progress, MetricsLoggers.DEFAULT);
    }

    /**
     * The experiment of one cell: the grid's data, recipe (Adam at the grid's rate, held constant:
     * a grid has no schedule key and its shipped results were trained so) and evaluation, with one
     * model and regulariser.
     */
    public static ExperimentSpec cell(GridConfig grid, String model, String reg, Device device) {
        long dataSeed = grid.dataset().equals("imagetext") ? grid.imagetext().seed() : grid.mmlsyn().seed();
        DataSource data = DataSource.parse(grid.dataset(), new DataSource.Settings(grid.mmlsyn(), grid.imagetext(),
                grid.isFileDataset() ? (grid.featureFile() == null ? FeatureFileOptions.defaults() : grid.featureFile()) : null,
                grid.folder(), dataSeed));
        var recipe = ExperimentSpec.Recipe.defaults().withEpochs(grid.epochs()).withBatchSize(grid.batchSize())
                .withOptimizer(TrainConfig.adam(grid.lr())).withSchedule(new dev.causalmm.train.LrSchedule.Constant(), 0); // grids: a constant rate
        var evaluation = ExperimentSpec.Evaluation.defaults().withNoise(grid.noise(), grid.evalSeeds(), grid.qmfCompat());
        return new ExperimentSpec(data, model, RegularizerSpec.parse(reg, new Regularizers.Settings(grid.c3r(), grid.imml(), grid.cmir())),
                recipe, grid.seeds(), device, evaluation, grid.encoders(), dataSeed);
    }

    /** As {@link #run(GridConfig, Path, Device, boolean)}; every seed of every cell writes its metric files per {@code loggers}. */
    public static ObjectNode run(GridConfig grid, Path out, Device device, boolean progress, MetricsLoggers loggers) throws IOException {
        return run(grid, out, device, progress, loggers, false);
    }

    /**
     * As {@link #run(GridConfig, Path, Device, boolean, MetricsLoggers)}; with {@code overwrite}, a
     * folder owned by another grid or command is taken over (its outputs removed) instead of refused.
     */
    public static ObjectNode run(GridConfig grid, Path out, Device device, boolean progress, MetricsLoggers loggers,
                                 boolean overwrite) throws IOException {
        long t0 = System.nanoTime();
        // every cell's spec is built (and so checked) before the first one trains
        List<ExperimentSpec> specs = new ArrayList<>();
        for (String model : grid.models()) {
            for (String reg : grid.regularizers()) {
                specs.add(cell(grid, model, reg, device));
            }
        }
        OutputFolder.check(out, provenance(grid), overwrite);
        List<Path> changedDirs = changedCells(out, specs, overwrite);
        // the data of every cell still to train (one source for the grid) is read before anything is written:
        // a missing or corrupt dataset file is refused with nothing written, not after a first cell
        ExperimentSpec firstToTrain = null;
        for (ExperimentSpec spec : specs) {
            if (finished(out, spec) == null) {
                firstToTrain = spec;
                break;
            }
        }
        DataSplits data = firstToTrain == null ? null : firstToTrain.generateData();
        OutputFolder.claim(out, provenance(grid), overwrite);
        for (Path changed : changedDirs) OutputFolder.remove(changed); // only under --overwrite: refused above otherwise
        AtomicFiles.deleteStaleTemporaries(out);
        for (ExperimentSpec spec : specs) AtomicFiles.deleteStaleTemporaries(out.resolve("cells").resolve(spec.label()));
        Map<String, JsonNode> cells = new LinkedHashMap<>();
        for (ExperimentSpec spec : specs) {
            Path cellFile = out.resolve("cells").resolve(spec.label()).resolve("results.json");
            JsonNode specJson = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(spec));
            JsonNode done = finished(out, spec);
            if (done != null) {
                LoggerFactory.getLogger(GridRunner.class).info("cell {} already done, skipped", spec.label());
                cells.put(spec.label(), done);
                continue;
            }
            // same training settings, other seeds or noise levels: the finished checkpoints are reused
            Path cellTraining = cellFile.resolveSibling("training.json");
            AtomicFiles.writeString(cellTraining, Json.MAPPER.writeValueAsString(ExperimentRunner.trainingIdentity(spec)));
            long c0 = System.nanoTime();
            List<RunResult> runs = ExperimentRunner.run(spec, data, cellFile.getParent(), progress, GradientSync.LOCAL, loggers);
            ObjectNode cell = Results.build("experiment", (ObjectNode) specJson, runs, (System.nanoTime() - c0) / 1e9);
            AtomicFiles.writeString(cellFile, Json.MAPPER.writeValueAsString(cell));
            cells.put(spec.label(), cell);
        }
        ObjectNode root = Json.object();
        root.put("schema", "causalmm.experiment/1");
        root.put("name", grid.name());
        root.set("grid", Json.MAPPER.valueToTree(grid));
        root.put("totalSeconds", (System.nanoTime() - t0) / 1e9);
        ObjectNode cellsJson = root.putObject("cells");
        cells.forEach(cellsJson::set);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(root));
        AtomicFiles.writeString(out.resolve("report.md"), report(grid, cells));
        Map<String, double[]> lines = new LinkedHashMap<>();
        cells.forEach((label, cell) -> lines.put(label, grid.noise().stream()
                .mapToDouble(e -> cell.at("/final/test/noise/" + Results.epsKey(e) + "/avg").asDouble(Double.NaN)).toArray()));
        if (chartsAvailable()) {
            LearningCurveChart.writeLines(out.resolve("accuracy-vs-noise.png"), grid.name() + ": test accuracy (Avg.) vs noise",
                    "noise level ε", "accuracy", grid.noise().stream().mapToDouble(Double::doubleValue).toArray(), lines);
        } else {
            LoggerFactory.getLogger(GridRunner.class).info("no accuracy-vs-noise.png: XChart (org.knowm.xchart:xchart) is not on the class path");
        }
        return root;
    }

    /**
     * The cell folders trained with other settings than {@code specs} give; refused (finished cells
     * are never overwritten) unless {@code overwrite}, when they are returned to be retrained.
     */
    private static List<Path> changedCells(Path out, List<ExperimentSpec> specs, boolean overwrite) throws IOException {
        List<String> changedCells = new ArrayList<>();
        List<Path> changedDirs = new ArrayList<>();
        for (ExperimentSpec spec : specs) {
            Path cellDir = out.resolve("cells").resolve(spec.label());
            Path cellTraining = cellDir.resolve("training.json");
            if (Files.exists(cellTraining)) {
                JsonNode stored = readJson(cellTraining);
                JsonNode training = ExperimentRunner.trainingIdentity(spec);
                var had = Provenance.of(Provenance.Kind.TRAIN, (ObjectNode) stored);
                var now = Provenance.of(Provenance.Kind.TRAIN, (ObjectNode) training);
                if (!stored.equals(training)) changedDirs.add(cellDir);
                if (!stored.equals(training)) changedCells.add(cellDir + " (" + now.explain(had, now.differences(had)) + ")");
            } else if (Files.exists(cellDir.resolve("results.json"))) {
                changedDirs.add(cellDir);
                changedCells.add(cellDir + " (written by an older version without training.json)");
            }
        }
        if (!changedCells.isEmpty() && !overwrite) {
            // retraining them would replace finished results with those of other settings
            throw new UserInputException("these cells of " + out + " were trained with other settings: " + String.join("; ", changedCells)
                    + ". Finished cells are never overwritten: run the changed grid with a fresh --out (or another name, or --overwrite to retrain them),"
                    + " or delete those cell folders to retrain them");
        }
        return changedDirs;
    }

    /**
     * The results of {@code spec}'s cell when it is finished with this very configuration (compared
     * as written: a round trip turns NaN into "NaN"), so a re-run recognises its own cells; else null.
     */
    private static JsonNode finished(Path out, ExperimentSpec spec) throws IOException {
        Path cellFile = out.resolve("cells").resolve(spec.label()).resolve("results.json");
        if (!Files.exists(cellFile)) return null;
        JsonNode done = readJson(cellFile);
        return done.path("config").equals(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(spec))) ? done : null;
    }

    /** XChart is an optional dependency of the library: a project that uses GridRunner without it still gets its results. */
    static boolean chartsAvailable() {
        try {
            Class.forName("org.knowm.xchart.XYChart", false, GridRunner.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** What {@code causalmm experiment} prints after the grid {@code results} ran into {@code dir}: report.md and the files written. */
    public static String summary(Path dir, ObjectNode results) throws IOException {
        return Files.readString(dir.resolve("report.md")) + String.format("%ntotal %.1f s; wrote %s, %s, %s%n",
                results.get("totalSeconds").asDouble(), dir.resolve("results.json"), dir.resolve("report.md"), dir.resolve("accuracy-vs-noise.png"));
    }

    /** What owns a grid's output folder: the grid's name. */
    public static Provenance provenance(GridConfig grid) {
        ObjectNode id = Json.object();
        id.put("name", grid.name());
        return Provenance.of(Provenance.Kind.EXPERIMENT, id);
    }

    /**
     * The default output folder {@code runs/<name>}; a name taken from a config must be one folder
     * name, so the grid cannot write outside {@code runs/}.
     */
    public static Path defaultOut(GridConfig grid) {
        String n = grid.name();
        if (n == null || !n.matches("[A-Za-z0-9][A-Za-z0-9._+-]*") || n.contains("..")) {
            throw new UserInputException("experiment name '" + n + "' must be one folder name (letters, digits, . _ + -,"
                    + " no path separators or '..'); rename it in the config, or give --out");
        }
        return Path.of("runs", n);
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON (" + e.getOriginalMessage() + "); move it away or use a fresh --out", e);
        }
    }

    /** All (training seed × evaluation seed) accuracies of a cell at noise ε. */
    static double[] accuracies(JsonNode cell, double eps) {
        List<Double> all = new ArrayList<>();
        cell.path("runs").forEach(r -> r.at("/final/test/noise/" + Results.epsKey(eps) + "/accuracies").forEach(a -> all.add(a.asDouble())));
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Per training seed, the C3 necessity risk of the deployed predictor on the clean test set. */
    static double[] necessities(JsonNode cell) {
        List<Double> all = new ArrayList<>();
        cell.path("runs").forEach(r -> {
            JsonNode n = r.at("/final/test/c3/necessity_risk");
            if (n.isNumber()) all.add(n.asDouble());
        });
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static String report(GridConfig grid, Map<String, JsonNode> cells) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(grid.name()).append("\n\n");
        b.append(String.format(Locale.ROOT, "Dataset %s, seeds %s, %s evaluation seed(s) per run,"
                        + " %s, Adam lr %.0e. Test accuracy (%%) with half of the samples' modalities corrupted at"
                        + " noise level ε: Avg. = mean, Worst. = minimum over all evaluations; best per column in bold;"
                        + " p = Student t-test of the row against its base model (no regulariser). C3 nec. = necessity risk of the"
                        + " deployed predictor on the clean test set (mean over seeds; step 0.1·‖Z‖ along the model's own loss"
                        + " gradient, the same for every row; lower is better).%s%n%n",
                grid.dataDescription(), grid.seeds(),
                grid.evalSeeds() == 0 ? "1" : String.valueOf(grid.evalSeeds()), lengthDescription(grid), grid.lr(),
                grid.regularizerDescription() + (grid.qmfCompat() ? " Noise with the reference code's image quirks (qmfCompat)." : "")));
        b.append("| model |");
        for (double e : grid.noise()) b.append(" ε=").append(Results.epsKey(e)).append(" Avg. | ε=").append(Results.epsKey(e)).append(" Worst. | p |");
        b.append(" C3 nec. | p |");
        b.append("\n|---|");
        for (int i = 0; i < grid.noise().size(); i++) b.append("---|---|---|");
        b.append("---|---|");
        b.append("\n");
        Map<Double, double[]> best = new LinkedHashMap<>();
        for (double e : grid.noise()) {
            double bestAvg = Double.NEGATIVE_INFINITY, bestWorst = Double.NEGATIVE_INFINITY;
            for (JsonNode c : cells.values()) {
                bestAvg = Math.max(bestAvg, c.at("/final/test/noise/" + Results.epsKey(e) + "/avg").asDouble(Double.NaN));
                bestWorst = Math.max(bestWorst, c.at("/final/test/noise/" + Results.epsKey(e) + "/worst").asDouble(Double.NaN));
            }
            best.put(e, new double[] {bestAvg, bestWorst});
        }
        for (var entry : cells.entrySet()) {
            String label = entry.getKey();
            JsonNode c = entry.getValue();
            String baseLabel = label.contains("+") ? label.substring(0, label.indexOf('+')) : null;
            b.append("| ").append(label).append(" |");
            for (double e : grid.noise()) {
                double avg = c.at("/final/test/noise/" + Results.epsKey(e) + "/avg").asDouble(Double.NaN);
                double worst = c.at("/final/test/noise/" + Results.epsKey(e) + "/worst").asDouble(Double.NaN);
                b.append(' ').append(cellText(avg, best.get(e)[0])).append(" | ").append(cellText(worst, best.get(e)[1])).append(" | ");
                JsonNode base = baseLabel == null ? null : cells.get(baseLabel);
                double[] mine = accuracies(c, e);
                double[] theirs = base == null ? new double[0] : accuracies(base, e);
                b.append(mine.length >= 2 && theirs.length >= 2 ? String.format(Locale.ROOT, "%.3f", TTest.student(mine, theirs).p()) : "–");
                b.append(" |");
            }
            double[] nec = necessities(c);
            double[] baseNec = baseLabel == null || cells.get(baseLabel) == null ? new double[0] : necessities(cells.get(baseLabel));
            b.append(nec.length == 0 ? " – |" : String.format(Locale.ROOT, " %.3f |", Arrays.stream(nec).average().orElseThrow()));
            b.append(nec.length >= 2 && baseNec.length >= 2 ? String.format(Locale.ROOT, " %.3f |", TTest.student(nec, baseNec).p()) : " – |");
            b.append("\n");
        }
        b.append("\n![accuracy vs noise](accuracy-vs-noise.png)\n");
        return b.toString();
    }

    private static String cellText(double v, double best) {
        String s = String.format(Locale.ROOT, "%.2f", 100 * v);
        return v == best ? "**" + s + "**" : s;
    }

    /** The grid's epochs and batch as the report states them: 0 is "chosen from the training-set size". */
    private static String lengthDescription(GridConfig grid) {
        String epochs = grid.epochs() > 0 ? grid.epochs() + " epochs" : "epochs chosen from the training-set size";
        String batch = grid.batchSize() > 0 ? "batch " + grid.batchSize() : "batch chosen from it (results.json: trainingLength)";
        return epochs + ", " + batch;
    }
}
