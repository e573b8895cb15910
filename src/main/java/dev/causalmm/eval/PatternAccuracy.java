package dev.causalmm.eval;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.MultimodalDataset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accuracy per missing-view pattern: on an incomplete multi-view set the overall accuracy mixes
 * samples with every view and samples with one; reporting each pattern separately shows what a
 * model does with the views it has. A pattern is named by its present views ({@code "complete"}
 * when all are, else e.g. {@code "text+image"}).
 */
public final class PatternAccuracy {
    private PatternAccuracy() {}

    /** One pattern's sample count and accuracy. */
    public record Group(int samples, double accuracy) {}

    /**
     * Per pattern, the accuracy of {@code predictions} (dataset order) on {@code data}; empty when
     * the dataset does not record availability or every sample has every view.
     */
    public static Map<String, Group> of(MultimodalDataset data, int[] predictions) {
        Map<String, int[]> counts = new TreeMap<>();
        if (!(data instanceof ArrayDataset a)) return Map.of();
        if (predictions.length != a.size()) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + a.size() + " samples of " + a.name());
        }
        for (int i = 0; i < a.size(); i++) {
            int[] c = counts.computeIfAbsent(pattern(a, i), p -> new int[2]);
            c[0]++;
            if (predictions[i] == a.label(i)) c[1]++;
        }
        if (counts.size() == 1 && counts.containsKey("complete")) return Map.of();
        Map<String, Group> out = new TreeMap<>();
        counts.forEach((p, c) -> out.put(p, new Group(c[0], (double) c[1] / c[0])));
        return out;
    }

    /** Over seeds: per pattern, the sample count and the mean accuracy of the runs (empty when any run has no patterns). */
    public static Map<String, Group> meanOverRuns(List<Map<String, Group>> runs) {
        if (runs.isEmpty() || runs.stream().anyMatch(Map::isEmpty)) return Map.of();
        Map<String, Group> out = new TreeMap<>();
        for (String p : runs.getFirst().keySet()) {
            if (!runs.stream().allMatch(r -> r.containsKey(p))) continue;
            double mean = runs.stream().mapToDouble(r -> r.get(p).accuracy()).average().orElse(Double.NaN);
            out.put(p, new Group(runs.getFirst().get(p).samples(), mean));
        }
        return out;
    }

    /** The pattern of sample {@code i}: its present views joined by '+', or {@code complete}. */
    static String pattern(ArrayDataset a, int i) {
        StringBuilder b = new StringBuilder();
        boolean all = true;
        for (int k = 0; k < a.modalities().size(); k++) {
            if (a.available(i, k)) b.append(b.isEmpty() ? "" : "+").append(a.modalities().get(k).name());
            else all = false;
        }
        return all ? "complete" : b.isEmpty() ? "none" : b.toString();
    }
}
