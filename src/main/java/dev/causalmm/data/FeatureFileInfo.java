package dev.causalmm.data;

import java.util.List;
import java.util.Map;

/**
 * What a feature-file dataset was built from and how, as checkpoints store it so that {@code eval}
 * rebuilds exactly the same sets: the files and their SHA-256, the layout, the label map, the split
 * and the per-view standardisation fitted on the training split.
 *
 * @param path       the dataset file or manifest as given (absolute)
 * @param files      every file read, absolute path → SHA-256 (hex)
 * @param layout     how the views and labels were found ({@code "x{v}_train/test + gt_train/test"}, …)
 * @param options    the options the sets were made with (after the manifest's settings)
 * @param views      the views' names and widths
 * @param classes    the label values in the file, in class order: class k is the value {@code classes[k]}
 * @param split      how the sets were made ({@code given}, {@code given+val}, {@code stratified})
 * @param sizes      samples in train, val and test
 * @param mean       per view, the training mean of every feature (empty arrays when not standardised)
 * @param std        per view, the training std of every feature (1 where a feature is constant)
 * @param skipped    rows skipped with --skip-bad, as {@code "file: line N: reason"}
 * @param missing    which views are absent for which samples (null when the file has every view of every sample)
 */
public record FeatureFileInfo(String path, Map<String, String> files, String layout, FeatureFileOptions options,
                              List<String> views, int[] widths, double[] classes, String split, int[] sizes,
                              double[][] mean, double[][] std, List<String> skipped,
                              Missing missing) {

    /**
     * An incomplete multi-view file: how its missing views were found, how many samples lack each
     * view, how many lack at least one, and a note (an indicator ignored because it disagrees).
     */
    public record Missing(String source, Map<String, Integer> absentPerView, int incompleteSamples, String note) {
        /** Null when nothing is missing. */
        static Missing of(MissingViews.Marks train, MissingViews.Marks test, List<String> names) {
            boolean none = train.available() == null && (test == null || test.available() == null);
            if (none && train.note() == null) return null;
            Map<String, Integer> per = new java.util.LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) per.put(names.get(k), train.absentPerView()[k] + (test == null ? 0 : test.absentPerView()[k]));
            String source = test != null && train.available() == null ? test.source() : train.source();
            return new Missing(source, per, train.incomplete() + (test == null ? 0 : test.incomplete()), train.note());
        }
    }

    /** The record without the standardisation statistics, for results.json ({@code config.data}). */
    public Map<String, Object> summary() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("path", path);
        m.put("sha256", files);
        m.put("layout", layout);
        List<Map<String, Object>> v = new java.util.ArrayList<>();
        for (int i = 0; i < views.size(); i++) v.add(ordered("name", views.get(i), "dim", widths[i]));
        m.put("views", v);
        m.put("classes", classes);
        m.put("split", split);
        m.put("sizes", ordered("train", sizes[0], "val", sizes[1], "test", sizes[2])); // fixed key order: results.json is byte-stable
        m.put("standardize", options.standardize() ? "z-score per feature, fitted on train" : "none");
        m.put("skippedRows", skipped.size());
        if (missing != null) m.put("missingViews", missing);
        if (!skipped.isEmpty()) m.put("skipped", skipped.size() > 100 ? skipped.subList(0, 100) : skipped);
        return m;
    }

    /** A map of alternating keys and values in the order given (Map.of's order changes between JVM runs). */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** One line for the console. */
    public String describe() {
        StringBuilder b = new StringBuilder(path).append(": ").append(layout).append("; views ");
        for (int i = 0; i < views.size(); i++) b.append(i == 0 ? "" : ", ").append(views.get(i)).append(' ').append(widths[i]);
        b.append("; ").append(classes.length).append(" classes; ").append(sizes[0]).append('/').append(sizes[1]).append('/')
                .append(sizes[2]).append(" train/val/test (").append(split).append(')');
        if (!skipped.isEmpty()) b.append("; ").append(skipped.size()).append(" bad rows skipped");
        if (missing != null && missing.incompleteSamples() > 0) {
            b.append("; ").append(missing.incompleteSamples()).append(" samples lack a view (").append(missing.source()).append(')');
        }
        if (missing != null && missing.note() != null) b.append("; ").append(missing.note());
        return b.toString();
    }
}
