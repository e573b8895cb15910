package dev.causalmm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable summary: a table of mean/worst accuracy and time per model, as text or Markdown. */
public final class Report {
    private Report() {}

    /** A row of the summary table. */
    public record Row(String model, Stats testAccuracy, Stats valAccuracy, Stats necessity, double seconds) {
        static Row of(String model, List<RunResult> runs) {
            return new Row(model,
                    Stats.of(runs.stream().mapToDouble(r -> r.test().accuracy()).toArray()),
                    Stats.of(runs.stream().mapToDouble(r -> r.val() == null ? Double.NaN : r.val().accuracy()).toArray()),
                    Stats.of(runs.stream().mapToDouble(r -> r.c3Test() == null ? Double.NaN : r.c3Test().necessityRisk()).toArray()),
                    runs.stream().mapToDouble(r -> r.training().seconds()).sum());
        }
    }

    public static List<Row> rows(Map<String, List<RunResult>> byModel) {
        return byModel.entrySet().stream().map(e -> Row.of(e.getKey(), e.getValue())).toList();
    }

    /**
     * What {@code train} prints when it is done: the table of {@code runs}, then from its
     * {@code results} (results.json) each noise level's average and worst, and the regression metrics.
     */
    public static String trainSummary(String label, List<RunResult> runs, JsonNode results) {
        StringBuilder b = new StringBuilder(table(rows(Map.of(label, runs))));
        results.at("/final/test/noise").properties().forEach(e -> b.append(String.format(Locale.ROOT,
                "noise ε=%s: test %s avg %.4f, worst %.4f (%d evaluations)%n", e.getKey(), e.getValue().path("metric").asText("accuracy"),
                e.getValue().get("avg").asDouble(), e.getValue().get("worst").asDouble(), e.getValue().get("evaluations").asInt())));
        JsonNode reg = results.at("/final/test/regression");
        if (reg.isObject()) b.append(String.format(Locale.ROOT, "test MAE %.4f, Pearson r %.4f (regression, mean over seeds)%n",
                reg.path("MAE").asDouble(), reg.path("Corr").asDouble(Double.NaN)));
        return b.toString();
    }

    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-18s %10s %8s %10s %10s %10s %9s%n", "model", "test mean", "± std", "test worst",
                "val mean", "necessity", "time (s)"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-18s %10.4f %8.4f %10.4f %10.4f %10.4f %9.1f%n", r.model(), r.testAccuracy().mean(),
                    r.testAccuracy().std(), r.testAccuracy().worst(), r.valAccuracy().mean(), r.necessity().mean(), r.seconds()));
        }
        return b.toString();
    }

    public static String markdown(String title, String setup, List<Row> rows, String... charts) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n").append(setup).append("\n\n");
        b.append("| model | test accuracy (mean) | std | worst | val accuracy (mean) | C3 necessity risk (test) | training time (s) |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.1f |%n", r.model(), r.testAccuracy().mean(),
                    r.testAccuracy().std(), r.testAccuracy().worst(), r.valAccuracy().mean(), r.necessity().mean(), r.seconds()));
        }
        b.append("\nC3 necessity risk: share of test samples that the deployed predictor still classifies as the true label"
                + " after a counterfactual step of 0.1·‖Z‖ along its own loss gradient (Eq. 8's necessity indicator, the same"
                + " diagnostic for every model; lower is better).\n");
        for (String chart : charts) b.append("\n![").append(chart).append("](").append(chart).append(")\n");
        return b.toString();
    }
}
