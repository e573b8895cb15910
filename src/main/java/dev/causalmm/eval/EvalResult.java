package dev.causalmm.eval;

/** Loss and accuracy of a model on one dataset, with the predicted class of every sample (dataset order). */
public record EvalResult(double loss, double accuracy, int samples, int[] predictions) {}
