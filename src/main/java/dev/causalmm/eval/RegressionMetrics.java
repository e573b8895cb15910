package dev.causalmm.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.causalmm.io.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The regression metrics of multimodal sentiment analysis, defined as the MSA papers' common
 * evaluation code does (MulT's {@code eval_mosei_senti}, MMSA's {@code Metrics}), and named as MMSA
 * names them in {@link #toJson()}:
 * <ul>
 *   <li>{@code MAE}: mean |ŷ − y|; {@code MSE}: mean (ŷ − y)².</li>
 *   <li>{@code Corr}: Pearson r of ŷ and y; undefined (NaN, JSON null, with a note) when either is constant.</li>
 *   <li>{@code Has0_acc_2}, {@code Has0_F1_score} ("Acc-2", "F1"): accuracy and weighted F1 of
 *       the sign, non-negative (≥ t) vs negative, over every sample.</li>
 *   <li>{@code Non0_acc_2}, {@code Non0_F1_score}: the same for positive (&gt; t) vs negative over
 *       the samples whose target is not t (MOSI papers drop zero targets).</li>
 *   <li>{@code Mult_acc_7} ("Acc-7"): ŷ and y clipped to [−3, 3] and rounded half to even (numpy's
 *       {@code round}), then compared.</li>
 * </ul>
 * The threshold t is 0 (the sentiment scale's neutral point) unless given. A K-dimensional target
 * is measured over all its N·K values.
 */
public record RegressionMetrics(int n, double mae, double mse, double corr, double acc2, double f1, int nonZero,
                                double acc2NonZero, double f1NonZero, double acc7, double threshold, List<String> notes) {

    public RegressionMetrics {
        notes = List.copyOf(notes);
    }

    /** The metrics of predictions {@code preds} against {@code targets} (same length), sign threshold 0. */
    public static RegressionMetrics of(float[] preds, float[] targets) {
        return of(preds, targets, 0);
    }

    /** As {@link #of(float[], float[])}, with the binary metrics split at {@code threshold} instead of 0. */
    public static RegressionMetrics of(float[] preds, float[] targets, double threshold) {
        if (preds.length != targets.length) {
            throw new IllegalArgumentException(preds.length + " predictions for " + targets.length + " targets");
        }
        if (preds.length == 0) throw new IllegalArgumentException("regression metrics need at least one prediction");
        List<String> notes = new ArrayList<>();
        int n = preds.length;
        double abs = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) preds[i] - targets[i];
            abs += Math.abs(d);
            sq += d * d;
        }
        double corr = pearson(preds, targets, notes);
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        boolean[] nonZero = new boolean[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            nonZero[i] = targets[i] != threshold;
            if (nonZero[i]) kept++;
        }
        double[] has0 = binary(preds, targets, all, threshold, true);
        double[] non0 = binary(preds, targets, nonZero, threshold, false);
        if (kept == 0) notes.add("every target equals the threshold " + threshold + ": the non-zero Acc-2 and F1 are undefined");
        int hits7 = 0;
        for (int i = 0; i < n; i++) if (class7(preds[i]) == class7(targets[i])) hits7++;
        double acc7 = (double) hits7 / n;
        if (threshold != 0) {
            notes.add("Mult_acc_7 is defined on the [-3, 3] sentiment scale; with threshold " + threshold + " the scale is another: omitted");
            acc7 = Double.NaN;
        }
        return new RegressionMetrics(n, abs / n, sq / n, corr, has0[0], has0[1], kept, non0[0], non0[1], acc7, threshold, notes);
    }

    /**
     * The scale's neutral point that the binary metrics split at: 0 when any target is negative
     * (the [−3, 3] sentiment scale of MOSI/MOSEI), otherwise the middle of the whole-number range
     * holding the targets (ICT-MMMO's 1–5 scores: 3, "neutral").
     */
    public static double neutralPoint(float[] targets) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float t : targets) {
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        if (targets.length == 0 || min < 0) return 0;
        return (Math.floor(min) + Math.ceil(max)) / 2;
    }

    /** Pearson r, or NaN (with a note) when the predictions or the targets do not vary. */
    private static double pearson(float[] p, float[] y, List<String> notes) {
        int n = p.length;
        double mp = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mp += p[i];
            my += y[i];
        }
        mp /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double a = p[i] - mp, b = y[i] - my;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }
        if (sxx == 0 || syy == 0) {
            notes.add("Pearson r is undefined: the " + (sxx == 0 ? "predictions are" : "targets are") + " constant");
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Accuracy and weighted F1 (each class's F1 weighted by its share of the targets, sklearn's
     * {@code average='weighted'}) of the binary split at {@code t} over the rows in {@code use}:
     * positive is {@code v ≥ t} ({@code orEqual}) or {@code v > t}. NaN, NaN when no row is used.
     */
    static double[] binary(float[] preds, float[] targets, boolean[] use, double t, boolean orEqual) {
        long tp = 0, tn = 0, fp = 0, fn = 0;
        for (int i = 0; i < preds.length; i++) {
            if (!use[i]) continue;
            boolean p = orEqual ? preds[i] >= t : preds[i] > t;
            boolean y = orEqual ? targets[i] >= t : targets[i] > t;
            if (p && y) tp++;
            else if (!p && !y) tn++;
            else if (p) fp++;
            else fn++;
        }
        long total = tp + tn + fp + fn;
        if (total == 0) return new double[] {Double.NaN, Double.NaN};
        double f1Pos = f1(tp, fp, fn), f1Neg = f1(tn, fn, fp);
        double weighted = (f1Pos * (tp + fn) + f1Neg * (tn + fp)) / total;
        return new double[] {(double) (tp + tn) / total, weighted};
    }

    /** F1 of one class; 0 when it has neither true nor predicted members (sklearn's zero_division=0). */
    private static double f1(long tp, long fp, long fn) {
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** The 7-class sentiment label: clipped to [−3, 3], rounded half to even. */
    static int class7(float v) {
        return (int) Math.rint(Math.max(-3.0, Math.min(3.0, v)));
    }

    /** The metrics as a {@code results.json} object, with MMSA's names; undefined values are null. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("n", n);
        Json.putNumber(o, "MAE", mae);
        Json.putNumber(o, "MSE", mse);
        Json.putNumber(o, "Corr", corr);
        Json.putNumber(o, "Has0_acc_2", acc2);
        Json.putNumber(o, "Has0_F1_score", f1);
        Json.putNumber(o, "Non0_acc_2", acc2NonZero);
        Json.putNumber(o, "Non0_F1_score", f1NonZero);
        o.put("Non0_n", nonZero);
        Json.putNumber(o, "Mult_acc_7", acc7);
        o.put("threshold", threshold);
        if (!notes.isEmpty()) {
            ArrayNode a = o.putArray("notes");
            notes.forEach(a::add);
        }
        return o;
    }
}
