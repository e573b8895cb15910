package dev.causalmm.eval;

/**
 * Loss and accuracy of a model on one dataset, with the predicted class of every sample (dataset
 * order). On a regression task accuracy is NaN, predictions is empty and {@code regression} holds
 * the regression metrics (null on classification).
 */
public record EvalResult(double loss, double accuracy, int samples, int[] predictions, RegressionMetrics regression) {
    public EvalResult(double loss, double accuracy, int samples, int[] predictions) {
        this(loss, accuracy, samples, predictions, null);
    }
}
