package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
    // index 2 and 5 hold rounding ties (2.5 → 2, 1.5 → 2, numpy's half-to-even); index 3 a zero prediction; index 5 a zero target
    static final float[] PREDS = {0.4f, -0.2f, 2.5f, 0.0f, -3.6f, 1.5f};
    static final float[] TARGETS = {1.0f, 0.3f, 1.6f, -0.4f, -2.5f, 0.0f};

    @Test
    void errorsAndCorrelationMatchHandValues() {
        RegressionMetrics m = RegressionMetrics.of(PREDS, TARGETS);
        assertEquals(6, m.n());
        assertEquals(5.0 / 6, m.mae(), 1e-6);     // |−.6|+|−.5|+.9+.4+|−1.1|+1.5 = 5
        assertEquals(5.04 / 6, m.mse(), 1e-6);
        // means 0.1 and 0: Σdxdy = 13.34, Σdx² = 21.6, Σdy² = 10.06
        assertEquals(13.34 / Math.sqrt(21.6 * 10.06), m.corr(), 1e-5);
        assertTrue(m.notes().isEmpty(), m.notes().toString());
    }

    @Test
    void signAccuracyAndWeightedF1CountZeroAsNonNegative() {
        RegressionMetrics m = RegressionMetrics.of(PREDS, TARGETS);
        // ≥ 0: preds T F T T F T, targets T T T F F T → tp 3, tn 1, fp 1, fn 1
        assertEquals(4.0 / 6, m.acc2(), 1e-9);
        // F1(pos) = 6/8 (support 4), F1(neg) = 2/4 (support 2)
        assertEquals((0.75 * 4 + 0.5 * 2) / 6, m.f1(), 1e-9);
    }

    @Test
    void theNonZeroVariantDropsZeroTargetsAndUsesStrictSigns() {
        RegressionMetrics m = RegressionMetrics.of(PREDS, TARGETS);
        assertEquals(5, m.nonZero());
        // > 0 over rows 0–4: preds T F T F F, targets T T T F F → tp 2, tn 2, fn 1
        assertEquals(0.8, m.acc2NonZero(), 1e-9);
        // F1(pos) = 4/5 (support 3), F1(neg) = 4/5 (support 2)
        assertEquals(0.8, m.f1NonZero(), 1e-9);
    }

    @Test
    void sevenClassAccuracyClipsAndRoundsHalfToEven() {
        // classes: preds 0 0 2 0 −3 2, targets 1 0 2 0 −2 0 → 3 of 6
        assertEquals(0.5, RegressionMetrics.of(PREDS, TARGETS).acc7(), 1e-9);
        assertEquals(2, RegressionMetrics.class7(2.5f));
        assertEquals(-2, RegressionMetrics.class7(-2.5f));
        assertEquals(0, RegressionMetrics.class7(0.5f));
        assertEquals(3, RegressionMetrics.class7(7.9f));
        assertEquals(-3, RegressionMetrics.class7(-3.5f));
    }

    @Test
    void constantPredictionsLeaveCorrelationUndefinedWithANote() {
        RegressionMetrics m = RegressionMetrics.of(new float[] {1, 1, 1}, new float[] {0, 1, 2});
        assertTrue(Double.isNaN(m.corr()));
        assertTrue(m.notes().getFirst().contains("predictions are constant"), m.notes().toString());
        assertEquals(2.0 / 3, m.mae(), 1e-9);
        var json = m.toJson();
        assertTrue(json.get("Corr").isNull());
        assertEquals(2.0 / 3, json.get("MAE").asDouble(), 1e-9);
        assertEquals(1, json.get("notes").size());
    }

    @Test
    void allZeroTargetsLeaveTheNonZeroMetricsUndefined() {
        RegressionMetrics m = RegressionMetrics.of(new float[] {0.5f, -1}, new float[] {0, 0});
        assertEquals(0, m.nonZero());
        assertTrue(Double.isNaN(m.acc2NonZero()));
        assertTrue(m.toJson().get("Non0_F1_score").isNull());
        assertTrue(Double.isNaN(m.corr()), "constant targets");
        assertEquals(0.5, m.acc2(), 1e-9);
    }

    @Test
    void aThresholdMovesTheBinarySplit() {
        // ratings 1–5 split at 3: preds ≥ 3: F T T, targets ≥ 3: F F T
        RegressionMetrics m = RegressionMetrics.of(new float[] {2, 3.5f, 4}, new float[] {1, 2, 5}, 3);
        assertEquals(2.0 / 3, m.acc2(), 1e-9);
        assertEquals(3, m.toJson().get("threshold").asDouble());
    }

    @Test
    void mismatchedOrEmptyInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> RegressionMetrics.of(new float[0], new float[0]));
    }

    @Test
    void theNeutralPointIsZeroOnASignedScaleAndTheMiddleOfAPositiveOne() {
        assertEquals(0, RegressionMetrics.neutralPoint(new float[] {-2.5f, 0.4f, 3f}));
        assertEquals(3, RegressionMetrics.neutralPoint(new float[] {1.5f, 2f, 5f})); // ICT-MMMO's 1–5 scores
        assertEquals(2.5, RegressionMetrics.neutralPoint(new float[] {1f, 4f}));
    }

    @Test
    void aPositiveScaleSplitsAtItsThresholdAndOmitsTheSevenClassAccuracy() {
        RegressionMetrics m = RegressionMetrics.of(new float[] {2.9f, 3.1f, 4f, 3.5f}, new float[] {2f, 4f, 3f, 2.5f}, 3);
        assertEquals(0.75, m.acc2(), 1e-9); // three sides agree at 3; 3.5 ≥ 3 but 2.5 < 3
        assertTrue(Double.isNaN(m.acc7()));
        assertTrue(m.notes().stream().anyMatch(n -> n.contains("Mult_acc_7")), m.notes().toString());
    }
}
