package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class WeightedF1Test {
    @Test
    void eachClassF1IsWeightedByItsShareOfTheLabels() {
        // class 0: tp 2, predicted 3, actual 2 → F1 0.8; class 1: tp 1, predicted 1, actual 2 → 2/3; class 2: none → 0, weight 0
        int[] labels = {0, 0, 1, 1};
        int[] preds = {0, 0, 0, 1};
        assertEquals((0.8 * 2 + 2.0 / 3 * 2) / 4, WeightedF1.of(preds, labels, 3), 1e-12);
    }

    @Test
    void perfectPredictionsScoreOne() {
        assertEquals(1.0, WeightedF1.of(new int[] {2, 0, 1}, new int[] {2, 0, 1}, 3), 1e-12);
    }
}
