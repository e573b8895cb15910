package dev.causalmm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.engine.Device;
import dev.causalmm.engine.Engine;
import dev.causalmm.experiment.ExperimentRunner;
import dev.causalmm.experiment.ExperimentSpec;
import dev.causalmm.experiment.LearningCurveChart;
import dev.causalmm.experiment.Report;
import dev.causalmm.experiment.Results;
import dev.causalmm.experiment.RunResult;
import dev.causalmm.io.AtomicFiles;
import dev.causalmm.io.Json;
import dev.causalmm.train.LrSchedule;
import dev.causalmm.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code causalmm demo}: late fusion and concat fusion, each without and with C3R, on MMLSynData
 * with a spurious factor that is strong at training (s = 0.7) and weak at test (s = 0.1), three
 * seeds each, on CPU.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train late fusion and concat, each alone and with C3R, on MMLSynData (K=2, s=0.7 train / 0.1 test,"
                + " 5 seeds) and write OUT/results.json, OUT/report.md, OUT/learning-curves.png and OUT/dcor.png.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", split = ",", defaultValue = "1,2,3,4,5", description = "Training seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--models", split = ",", defaultValue = "late-fusion,concat", description = "Models (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--regularizers", split = ",", defaultValue = "none,c3r",
            description = "Regularisers crossed with every model (default: ${DEFAULT-VALUE}).")
    List<String> regularizers;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar when attached to a terminal.")
    boolean progress;

    @Mixin DataOptions data;
    @Mixin C3ROptions c3r;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        CliChecks.outFolder("--out", out);
        CliChecks.onlyWith(commandSpec, "--c3r.", regularizers.contains("c3r"), "--regularizers including c3r", "--regularizers " + regularizers);
        Device dev = Device.parse(device);
        var mmlsyn = data.mmlsyn();
        List<ExperimentSpec> specs = new ArrayList<>();
        for (String model : models) {
            for (String reg : regularizers) {
                specs.add(new ExperimentSpec("mmlsyn", model, reg, epochs, 256, TrainConfig.adam(1e-3),
                        new LrSchedule.Constant(), 0, seeds, dev, mmlsyn, null, data.dataSeed, c3r.config(), null, null, true, List.of(), 0, false));
            }
        }
        ExperimentSpec.requireDistinct("model", models);
        ExperimentSpec.requireDistinct("regularizer", regularizers);
        Path earlier = out.resolve("results.json");
        if ((Files.exists(earlier) && !Files.readString(earlier).contains("\"causalmm.demo/1\""))
                || (!Files.exists(earlier) && Files.isDirectory(out.resolve("checkpoints")))) {
            // the demo starts afresh and deletes OUT/checkpoints: never in another command's folder
            throw new IllegalArgumentException(out + " holds the results or checkpoints of another command; the demo replaces"
                    + " its folder's results and checkpoints, so give it a fresh --out");
        }
        Engine.deterministic(true);
        Files.createDirectories(out);
        // fresh results each time: drop checkpoints of an earlier demo so nothing is resumed by accident
        deleteRecursively(out.resolve("checkpoints"));
        MMLSynData.Splits splits = MMLSynData.generate(mmlsyn);
        MMLSynConfig cfg = splits.config();
        System.out.printf("MMLSynData: %d modalities x %d features, %d train (s=%.1f) / %d val / %d test (s=%.1f); %d threads%n",
                data.modalities, cfg.inputDim(), cfg.trainSize(), cfg.spuriousTrain(), cfg.valSize(), cfg.testSize(), cfg.spuriousTest(),
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
        root.put("schema", "causalmm.demo/1");
        root.put("totalSeconds", total);
        root.set("models", modelsJson);
        AtomicFiles.writeString(out.resolve("results.json"), Json.MAPPER.writeValueAsString(root));

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
        var rows = Report.rows(byModel);
        String setup = String.format("MMLSynData, K = %d, %d train samples with spurious degree s = %.1f, %d test samples with s = %.1f;"
                        + " seeds %s; %d epochs of Adam (lr 1e-3, wd 1e-4, batch 256) on %s, %d threads; total %.1f s.",
                data.modalities, cfg.trainSize(), cfg.spuriousTrain(), cfg.testSize(), cfg.spuriousTest(), seeds, epochs, dev,
                Engine.threads(), total);
        AtomicFiles.writeString(out.resolve("report.md"), Report.markdown("causalmm demo", setup, rows, "learning-curves.png", "dcor.png"));
        System.out.println();
        System.out.print(Report.table(rows));
        System.out.printf("total %.1f s; wrote %s, %s, %s, %s%n", total, out.resolve("results.json"), out.resolve("report.md"),
                out.resolve("learning-curves.png"), out.resolve("dcor.png"));
        return 0;
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
