package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.causal.C3RConfig;
import dev.causalmm.causal.CmIRConfig;
import dev.causalmm.causal.IMMLConfig;
import dev.causalmm.causal.RegularizerSpec;
import dev.causalmm.causal.Regularizers;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.io.OutputFolder;
import dev.causalmm.io.Provenance;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import dev.causalmm.io.UserInputException;
import dev.causalmm.train.LrSchedule;
import java.util.List;
import java.util.Map;

/**
 * {@code causalmm demo}: every model crossed with every regulariser on one MMLSynData draw, a few
 * seeds each; writes results.json, report.md and two charts.
 *
 * @param mmlsyn the data (the demo's spurious shift: s = 0.7 train, 0.1 test by default)
 * @param c3r    C3R's settings for the cells with C3R
 */
public record Demo(List<String> models, List<String> regularizers, List<Long> seeds, int epochs, Device device, MMLSynConfig mmlsyn,
                   long dataSeed, C3RConfig c3r) {
    public static final String SCHEMA = "causalmm.demo/1";

    public Demo {
        // the demo's report states its epochs: a "choose from the data" 0 would print as 0 epochs
        if (epochs < 1) throw new UserInputException("--epochs must be >= 1 for the demo, got " + epochs);
        ExperimentSpec.requireDistinct("model", models);
        ExperimentSpec.requireDistinct("regularizer", regularizers);
    }

    /** This demo once every cell's spec is built, so checked, before any cell trains. */
    public Demo checked() {
        specs();
        return this;
    }

    /** One experiment per model and regulariser, in that order: Adam at 1e-3, batch 256, constant rate, dcor on. */
    public List<ExperimentSpec> specs() {
        List<ExperimentSpec> specs = new ArrayList<>();
        for (String model : models) {
            for (String reg : regularizers) {
                var regularizer = RegularizerSpec.parse(reg, new Regularizers.Settings(c3r, IMMLConfig.defaults(), CmIRConfig.defaults()));
                specs.add(new ExperimentSpec(new DataSource.MmlSyn(mmlsyn), model, regularizer, ExperimentSpec.Recipe.defaults().withEpochs(epochs).withBatchSize(256)
                                .withSchedule(new LrSchedule.Constant(), 0),
                        seeds, device, ExperimentSpec.Evaluation.defaults().withDcor(true), List.of(), dataSeed));
            }
        }
        return specs;
    }

    /**
     * What owns a demo's folder: the demo itself, whatever its settings (each run replaces its
     * folder's results and checkpoints). Another command's folder is refused ({@link OutputFolder}).
     */
    public static Provenance provenance() {
        ObjectNode id = Json.object();
        id.put("schema", SCHEMA);
        return Provenance.of(Provenance.Kind.DEMO, id);
    }

    /** As {@link #run(Path, boolean, PrintStream, boolean)} without {@code --overwrite}. */
    public void run(Path out, boolean progress, PrintStream console) throws IOException {
        run(out, progress, console, false);
    }

    /** Claims {@code out} ({@link OutputFolder}), then trains every cell afresh (earlier checkpoints are deleted), writes the files and prints the table to {@code console}. */
    public void run(Path out, boolean progress, PrintStream console, boolean overwrite) throws IOException {
        long t0 = System.nanoTime();
        List<ExperimentSpec> specs = specs();
        OutputFolder.claim(out, provenance(), overwrite);
        Engine.deterministic(true);
        // fresh results each time: drop checkpoints of an earlier demo so nothing is resumed by accident
        deleteRecursively(out.resolve("checkpoints"));
        MMLSynData.Splits splits = MMLSynData.generate(mmlsyn);
        MMLSynConfig cfg = splits.config();
        console.printf("MMLSynData: %d modalities x %d features, %d train (s=%.1f) / %d val / %d test (s=%.1f); %d threads%n",
                cfg.modalities(), cfg.inputDim(), cfg.trainSize(), cfg.spuriousTrain(), cfg.valSize(), cfg.testSize(), cfg.spuriousTest(),
                Engine.threads());
        Map<String, List<RunResult>> byModel = new LinkedHashMap<>();
        ObjectNode modelsJson = Json.object();
        for (ExperimentSpec spec : specs) {
            long m0 = System.nanoTime();
            List<RunResult> runs = ExperimentRunner.run(spec, splits, out, progress);
            byModel.put(spec.label(), runs);
            modelsJson.set(spec.label(), Results.build("train", Json.MAPPER.valueToTree(spec), runs, (System.nanoTime() - m0) / 1e9));
        }
        double total = (System.nanoTime() - t0) / 1e9;
        ObjectNode root = Json.object();
        root.put("schema", SCHEMA);
        root.put("totalSeconds", total);
        root.set("models", modelsJson);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(root));
        writeCharts(out, byModel);
        var rows = Report.rows(byModel);
        String setup = String.format("MMLSynData, K = %d, %d train samples with spurious degree s = %.1f, %d test samples with s = %.1f;"
                        + " seeds %s; %d epochs of Adam (lr 1e-3, wd 1e-4, batch 256) on %s, %d threads; total %.1f s.",
                cfg.modalities(), cfg.trainSize(), cfg.spuriousTrain(), cfg.testSize(), cfg.spuriousTest(), seeds, epochs, device,
                Engine.threads(), total);
        AtomicFiles.writeString(out.resolve("report.md"), Report.markdown("causalmm demo", setup, rows, "learning-curves.png", "dcor.png"));
        console.println();
        console.print(Report.table(rows));
        console.printf("total %.1f s; wrote %s, %s, %s, %s%n", total, out.resolve("results.json"), out.resolve("report.md"),
                out.resolve("learning-curves.png"), out.resolve("dcor.png"));
    }

    private static void writeCharts(Path out, Map<String, List<RunResult>> byModel) throws IOException {
        Map<String, List<double[]>> valCurves = new LinkedHashMap<>();
        byModel.forEach((m, runs) -> {
            List<double[]> curves = new ArrayList<>();
            for (RunResult r : runs) curves.add(r.training().history().stream().mapToDouble(e -> e.valAccuracy()).toArray());
            valCurves.put(m, curves);
        });
        LearningCurveChart.write(out.resolve("learning-curves.png"), "MMLSynData: validation accuracy (mean of seeds)",
                "accuracy", valCurves);
        Map<String, double[]> dcorBars = new LinkedHashMap<>();
        byModel.forEach((m, runs) -> {
            double[] bars = new double[MMLSynData.Factor.values().length];
            for (RunResult r : runs) {
                for (MMLSynData.Factor f : MMLSynData.Factor.values()) bars[f.ordinal()] += r.dcor().get(f) / runs.size();
            }
            dcorBars.put(m, bars);
        });
        LearningCurveChart.writeBars(out.resolve("dcor.png"), "dCor(representation, factor) on the test set (mean of seeds)",
                "distance correlation", List.of("SNC (sn)", "SC (sf)", "NC (nc)", "SP (sp)"), dcorBars);
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
