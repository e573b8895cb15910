package dev.causalmm.train;

import dev.causalmm.engine.Tensor;
import java.util.Map;

/**
 * The best epoch so far and early stopping on it: an epoch improves when its validation accuracy
 * (its index when there is no validation data, so the last epoch counts as best) beats the best;
 * after {@code patience} epochs without improvement (0 = never) the run stops. With
 * {@code keepBest} the best epoch's weights are kept on the host to put back at the end.
 */
final class EarlyStopping {
    private final int patience;
    private final boolean keepBest;
    private double bestVal = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;
    private int badEpochs;
    private Map<String, float[]> bestWeights;

    EarlyStopping(int patience, boolean keepBest) {
        this.patience = patience;
        this.keepBest = keepBest;
    }

    /** Continues from a checkpoint's counters ({@code bestWeights}: the store's best weights, when kept). */
    void restore(TrainerState st, Map<String, float[]> weights) {
        bestVal = st.bestVal();
        bestEpoch = st.bestEpoch();
        badEpochs = st.badEpochs();
        if (keepBest && bestEpoch >= 0) bestWeights = weights;
    }

    /** Whether the run has seen {@code patience} flat epochs. */
    boolean exhausted() {
        return patience > 0 && badEpochs >= patience;
    }

    /** Records an epoch's score; returns whether it improved (and then snapshots {@code params} when keeping the best). */
    boolean observe(int epoch, double valAccuracy, Map<String, Tensor> params) {
        double score = Double.isNaN(valAccuracy) ? epoch : valAccuracy;
        if (score <= bestVal) {
            badEpochs++;
            return false;
        }
        bestVal = score;
        bestEpoch = epoch;
        badEpochs = 0;
        if (keepBest) bestWeights = CheckpointStore.snapshot(params);
        return true;
    }

    /** Puts the best epoch's weights back unless the last epoch was the best. */
    void restoreBest(Map<String, Tensor> params, int lastEpoch) {
        if (keepBest && bestWeights != null && bestEpoch != lastEpoch) CheckpointStore.restore(params, bestWeights);
    }

    boolean keepsBest() {
        return keepBest;
    }

    double bestVal() {
        return bestVal;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    int badEpochs() {
        return badEpochs;
    }
}
