package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.DataSource;
import dev.causalmm.data.DataSplits;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.Task;
import dev.causalmm.engine.Engine;
import dev.causalmm.eval.C3Score;
import dev.causalmm.eval.EvalResult;
import dev.causalmm.eval.PatternAccuracy;
import dev.causalmm.eval.WeightedF1;
import dev.causalmm.io.Json;
import dev.causalmm.train.EpochMetrics;
import dev.causalmm.train.GradientSync;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@code results.json} (schema {@code causalmm.results/1}, documented in the README):
 * {@code config}, {@code seeds}, {@code runs[]} (per-epoch metrics and final metrics of each seed),
 * {@code final} (per split: mean accuracy, std, worst, best, mean loss over seeds; the hard C3
 * risks under {@code c3}; the factor distance correlations under {@code dcor} when measured),
 * {@code timings} and {@code versions}.
 */
public final class Results {
    private Results() {}

    public static ObjectNode build(String command, ObjectNode config, List<RunResult> runs, double totalSeconds) {
        ObjectNode root = header(command, config);
        // the epochs and batch the runs trained with (the same for every seed: they follow the training-set size);
        // beside config, not in it: config stays the spec as given, which re-runs compare to recognise their cells
        runs.stream().map(RunResult::length).filter(java.util.Objects::nonNull).findFirst()
                .ifPresent(l -> root.set("trainingLength", Json.MAPPER.valueToTree(l)));
        ArrayNode seeds = root.putArray("seeds");
        runs.forEach(r -> seeds.add(r.seed()));
        ArrayNode arr = root.putArray("runs");
        double trainSeconds = 0;
        long samples = 0;
        for (RunResult r : runs) {
            ObjectNode run = arr.addObject();
            run.put("seed", r.seed());
            ArrayNode epochs = run.putArray("epochs");
            for (EpochMetrics m : r.training().history()) {
                ObjectNode e = epochs.addObject();
                e.put("epoch", m.epoch() + 1);
                ObjectNode tr = e.putObject("train");
                Json.putNumber(tr, "loss", m.trainLoss());
                Json.putNumber(tr, "accuracy", m.trainAccuracy());
                ObjectNode va = e.putObject("val");
                Json.putNumber(va, "loss", m.valLoss());
                Json.putNumber(va, "accuracy", m.valAccuracy());
                e.put("lr", m.learningRate());
                e.put("seconds", m.seconds());
                ObjectNode terms = e.putObject("terms");
                m.terms().forEach((k, v) -> Json.putNumber(terms, k, v));
                trainSeconds += m.seconds();
                samples += m.samples();
            }
            run.put("bestEpoch", r.training().bestEpoch() + 1);
            if (r.length() != null) run.set("trainingLength", Json.MAPPER.valueToTree(r.length()));
            if (!r.warnings().isEmpty()) run.set("warnings", Json.MAPPER.valueToTree(r.warnings()));
            run.put("stoppedEarly", r.training().stoppedEarly());
            ObjectNode fin = run.putObject("final");
            if (r.val() != null) split(fin.putObject("val"), r.val(), r.c3Val(), null);
            ObjectNode testNode = fin.putObject("test");
            split(testNode, r.test(), r.c3Test(), r.dcor());
            if (!r.testPatterns().isEmpty()) testNode.set("byMissingPattern", Json.MAPPER.valueToTree(r.testPatterns()));
            if (r.c3rTwinTest() != null) c3(testNode.putObject("c3r_twin"), r.c3rTwinTest());
            if (!r.noise().isEmpty()) {
                ObjectNode nz = testNode.putObject("noise");
                r.noise().forEach((eps, acc) -> {
                    ArrayNode a = nz.putObject(epsKey(eps)).putArray("accuracies");
                    for (double v : acc) a.add(v);
                });
            }
            run.put("checkpoint", r.checkpoint() == null ? null : r.checkpoint().toString());
            run.put("seconds", r.training().seconds());
        }
        ObjectNode fin = root.putObject("final");
        ObjectNode test = aggregate(fin, "test", runs.stream().map(RunResult::test).toList());
        aggregateC3(test, runs.stream().map(RunResult::c3Test).toList());
        aggregateC3(test, "c3r_twin", runs.stream().map(RunResult::c3rTwinTest).toList());
        aggregateDcor(test, runs.stream().map(RunResult::dcor).toList());
        aggregateNoise(test, runs);
        var patterns = PatternAccuracy.meanOverRuns(runs.stream().map(RunResult::testPatterns).toList());
        if (!patterns.isEmpty()) test.set("byMissingPattern", Json.MAPPER.valueToTree(patterns));
        if (runs.stream().allMatch(r -> r.val() != null)) {
            ObjectNode val = aggregate(fin, "val", runs.stream().map(RunResult::val).toList());
            aggregateC3(val, runs.stream().map(RunResult::c3Val).toList());
        }
        ObjectNode t = root.putObject("timings");
        t.put("totalSeconds", totalSeconds);
        t.put("trainSeconds", trainSeconds);
        Json.putNumber(t, "trainSamplesPerSecond", trainSeconds > 0 ? samples / trainSeconds : Double.NaN);
        return root;
    }

    /**
     * results.json of {@code train}: {@link #build} with the data-parallel layout ({@code sync}'s
     * world, {@code batchPerRank}) and what the data reports (a feature file's summary, an
     * image+text folder's skipped rows).
     */
    public static ObjectNode train(ExperimentSpec spec, List<RunResult> runs, DataSplits splits,
                                   GradientSync sync, int batchPerRank, double seconds) {
        ObjectNode results = build("train", Json.MAPPER.valueToTree(spec), runs, seconds);
        ObjectNode dist = results.putObject("distributed");
        dist.put("worldSize", sync.worldSize());
        dist.put("backend", sync.backend());
        // --batch-size 0: the batch the rule chose (TrainingLength), the same for every seed
        int perRank = batchPerRank > 0 ? batchPerRank : runs.stream().map(RunResult::length).filter(Objects::nonNull)
                .mapToInt(l -> l.batchSize() / sync.worldSize()).findFirst().orElse(0);
        dist.put("batchPerRank", perRank);
        dist.put("globalBatch", (long) perRank * sync.worldSize());
        if (splits.test() instanceof ArrayDataset a && a.task() instanceof Task.Classification) {
            addWeightedF1(results, runs, a);
        }
        if (splits.featureFile() != null) ((ObjectNode) results.get("config")).set("data", Json.MAPPER.valueToTree(splits.featureFile().summary()));
        var folder = DataSource.Manifest.folderOf(splits);
        if (folder != null) results.set("data", Json.MAPPER.valueToTree(folder.report()));
        return results;
    }

    /** results.json of {@code eval}: one evaluation, same {@code final} layout as {@code train}. */
    public static ObjectNode evalReport(ObjectNode config, long seed, EvalResult val, EvalResult test, C3Score c3Val,
                                        C3Score c3Test, C3Score c3rTwinTest, Map<MMLSynData.Factor, Double> dcor, double seconds) {
        ObjectNode root = header("eval", config);
        root.putArray("seeds").add(seed);
        ObjectNode fin = root.putObject("final");
        ObjectNode v = aggregate(fin, "val", List.of(val));
        ObjectNode t = aggregate(fin, "test", List.of(test));
        if (c3Val != null) aggregateC3(v, List.of(c3Val));
        if (c3Test != null) aggregateC3(t, List.of(c3Test));
        if (c3rTwinTest != null) aggregateC3(t, "c3r_twin", List.of(c3rTwinTest));
        if (dcor != null) aggregateDcor(t, List.of(dcor));
        root.putObject("timings").put("totalSeconds", seconds);
        return root;
    }

    static ObjectNode header(String command, ObjectNode config) {
        ObjectNode root = Json.object();
        root.put("schema", "causalmm.results/1");
        root.put("command", command);
        root.put("created", Instant.now().toString());
        root.set("config", config);
        ObjectNode v = root.putObject("versions");
        String own = Results.class.getPackage().getImplementationVersion();
        v.put("causalmm", own == null ? "0.1.0-SNAPSHOT" : own);
        v.put("java", Runtime.version().toString());
        v.put("libtorch", Engine.libtorchVersion());
        v.put("javacppPresets", Engine.presetsVersion());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        v.put("threads", Engine.threads());
        return root;
    }

    /** Each run's test weighted F1 (the MSA papers' F1 for classes) and their mean and std under {@code final.test}. */
    private static void addWeightedF1(ObjectNode results, List<RunResult> runs, ArrayDataset test) {
        int[] labels = new int[test.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = test.label(i);
        double[] f1 = new double[runs.size()];
        for (int k = 0; k < runs.size(); k++) {
            int[] p = runs.get(k).test().predictions();
            if (p.length != labels.length) return; // predictions not kept: nothing to score
            f1[k] = WeightedF1.of(p, labels, test.numClasses());
            Json.putNumber((ObjectNode) results.get("runs").get(k).at("/final/test"), "weightedF1", f1[k]);
        }
        Stats st = Stats.of(f1);
        ObjectNode t = (ObjectNode) results.at("/final/test");
        Json.putNumber(t, "weightedF1", st.mean());
        Json.putNumber(t, "weightedF1Std", st.std());
    }

    private static void split(ObjectNode n, EvalResult r, C3Score c3, Map<MMLSynData.Factor, Double> dcor) {
        Json.putNumber(n, "accuracy", r.accuracy());
        Json.putNumber(n, "loss", r.loss());
        n.put("samples", r.samples());
        if (r.regression() != null) n.set("regression", r.regression().toJson());
        if (c3 != null) c3(n.putObject("c3"), c3);
        if (dcor != null) {
            ObjectNode d = n.putObject("dcor");
            dcor.forEach((f, v) -> Json.putNumber(d, f.name(), v));
        }
    }

    /** ε as a JSON key: "0", "5", "2.5". */
    static String epsKey(double eps) {
        return eps == Math.rint(eps) ? Long.toString((long) eps) : Double.toString(eps);
    }

    /**
     * Avg./Worst. per noise level over every (training seed, evaluation seed) accuracy: with one
     * evaluation seed per run this is spec §6.1's "runs" layout, with 5 it is QMF's 5 × 5 layout.
     */
    private static void aggregateNoise(ObjectNode split, List<RunResult> runs) {
        if (runs.isEmpty() || runs.getFirst().noise().isEmpty()) return;
        ObjectNode nz = split.putObject("noise");
        for (double eps : runs.getFirst().noise().keySet()) {
            double[] all = runs.stream().flatMapToDouble(r -> Arrays.stream(r.noise().get(eps))).toArray();
            Stats st = Stats.of(all);
            ObjectNode n = nz.putObject(epsKey(eps));
            Json.putNumber(n, "avg", st.mean());
            boolean mae = runs.getFirst().test().regression() != null; // lower is better
            n.put("metric", mae ? "MAE" : "accuracy");
            Json.putNumber(n, "worst", mae ? st.best() : st.worst());
            Json.putNumber(n, "std", st.std());
            n.put("evaluations", st.n());
            n.put("layout", runs.getFirst().noise().get(eps).length == 1 ? "runs" : "seeds x eval-seeds");
        }
    }

    private static void c3(ObjectNode n, C3Score c3) {
        c3(n, c3.sufficiencyRisk(), c3.necessityRisk(), c3);
    }

    /** The risks plus where they were measured: {@code space} (predictor or c3r_twin) and the relative step. */
    private static void c3(ObjectNode n, double sufficiency, double necessity, C3Score kind) {
        Json.putNumber(n, "sufficiency_risk", sufficiency);
        Json.putNumber(n, "necessity_risk", necessity);
        n.put("space", kind.space());
        Json.putNumber(n, "eta", kind.etaRel());
    }

    private static void aggregateC3(ObjectNode split, List<C3Score> scores) {
        aggregateC3(split, "c3", scores);
    }

    private static void aggregateC3(ObjectNode split, String name, List<C3Score> scores) {
        if (scores.isEmpty() || scores.stream().anyMatch(Objects::isNull)) return;
        c3(split.putObject(name), scores.stream().mapToDouble(C3Score::sufficiencyRisk).average().orElse(Double.NaN),
                scores.stream().mapToDouble(C3Score::necessityRisk).average().orElse(Double.NaN), scores.getFirst());
    }

    private static void aggregateDcor(ObjectNode split, List<Map<MMLSynData.Factor, Double>> all) {
        if (all.isEmpty() || all.stream().anyMatch(Objects::isNull)) return;
        ObjectNode d = split.putObject("dcor");
        for (MMLSynData.Factor f : MMLSynData.Factor.values()) {
            Json.putNumber(d, f.name(), all.stream().mapToDouble(m -> m.get(f)).average().orElse(Double.NaN));
        }
    }

    private static ObjectNode aggregate(ObjectNode fin, String name, List<EvalResult> rs) {
        Stats acc = Stats.of(rs.stream().mapToDouble(EvalResult::accuracy).toArray());
        Stats loss = Stats.of(rs.stream().mapToDouble(EvalResult::loss).toArray());
        ObjectNode n = fin.putObject(name);
        Json.putNumber(n, "accuracy", acc.mean());
        Json.putNumber(n, "accuracyStd", acc.std());
        Json.putNumber(n, "accuracyWorst", acc.worst());
        Json.putNumber(n, "accuracyBest", acc.best());
        Json.putNumber(n, "loss", loss.mean());
        n.put("runs", acc.n());
        if (!rs.isEmpty() && rs.stream().allMatch(r -> r.regression() != null)) aggregateRegression(n.putObject("regression"), rs);
        return n;
    }

    /**
     * Each regression metric's mean and std over the runs (MMSA's names; {@code MAEStd}, …), and the
     * threshold of the binary metrics when every run used the same one.
     */
    private static void aggregateRegression(ObjectNode n, List<EvalResult> rs) {
        List<ObjectNode> each = rs.stream().map(r -> r.regression().toJson()).toList();
        for (String k : List.of("MAE", "MSE", "Corr", "Has0_acc_2", "Has0_F1_score", "Non0_acc_2", "Non0_F1_score", "Mult_acc_7")) {
            double[] v = each.stream().mapToDouble(o -> o.path(k).isNumber() ? o.get(k).asDouble() : Double.NaN).toArray();
            Stats st = Stats.of(v);
            Json.putNumber(n, k, st.mean());
            Json.putNumber(n, k + "Std", st.std());
        }
        double t = rs.getFirst().regression().threshold();
        if (rs.stream().allMatch(r -> r.regression().threshold() == t)) n.put("threshold", t);
        n.put("runs", rs.size());
    }
}
