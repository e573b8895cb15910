package dev.causalmm.eval;

/**
 * The weighted F1 of class predictions, as sklearn's {@code f1_score(average='weighted')} that the
 * MSA papers report beside accuracy: each class's F1 weighted by its share of the true labels (a
 * class never predicted nor present scores 0, sklearn's {@code zero_division=0}).
 */
public final class WeightedF1 {
    private WeightedF1() {}

    /** The weighted F1 of {@code predictions} against {@code labels} (same length, classes in {@code [0, numClasses)}). */
    public static double of(int[] predictions, int[] labels, int numClasses) {
        if (predictions.length != labels.length) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + labels.length + " labels");
        }
        if (labels.length == 0) return Double.NaN;
        long[] tp = new long[numClasses], predicted = new long[numClasses], actual = new long[numClasses];
        for (int i = 0; i < labels.length; i++) {
            predicted[predictions[i]]++;
            actual[labels[i]]++;
            if (predictions[i] == labels[i]) tp[labels[i]]++;
        }
        double sum = 0;
        for (int c = 0; c < numClasses; c++) {
            long denom = predicted[c] + actual[c];
            double f1 = denom == 0 ? 0 : 2.0 * tp[c] / denom;
            sum += f1 * actual[c];
        }
        return sum / labels.length;
    }
}
