package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingLengthTest {
    private static final TrainingLength RULE = TrainingLength.DEFAULT;

    @Test
    void aSmallSetGetsASmallBatchAndAtLeastTwoThousandSteps() {
        var r = RULE.resolve(1100, 0, 0); // 100Leaves' training split
        assertEquals(35, r.batchSize());
        assertEquals(63, r.epochs());
        assertTrue(r.steps() >= 2000, "steps " + r.steps());
        assertTrue(r.epochsChosen() && r.batchChosen());
    }

    @Test
    void aLargeSetKeepsBatch256AndTenEpochsWhenThatIsEnoughSteps() {
        var r = RULE.resolve(200_000, 0, 0);
        assertEquals(256, r.batchSize());
        assertEquals(10, r.epochs());
    }

    @Test
    void aTinySetIsCappedAtTheMaximumEpochsAndTheSetSize() {
        var r = RULE.resolve(10, 0, 0);
        assertEquals(10, r.batchSize());
        assertEquals(100, r.epochs());
        assertEquals(16, RULE.resolve(280, 0, 0).batchSize()); // ORL: the smallest default batch
    }

    @Test
    void explicitEpochsAndBatchWin() {
        var r = RULE.resolve(280, 7, 64);
        assertEquals(7, r.epochs());
        assertEquals(64, r.batchSize());
        assertEquals(7 * 5, r.steps());
        assertFalse(r.epochsChosen() || r.batchChosen());
    }

    @Test
    void aChosenBatchSplitsEvenlyOverRanks() {
        assertEquals(0, RULE.resolve(280, 0, 0, 4).batchSize() % 4);
    }

    @Test
    void negativeOrEmptyInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RULE.resolve(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> RULE.resolve(100, -1, 0));
    }

    private static List<EpochMetrics> trainAccuracies(double... acc) {
        List<EpochMetrics> h = new ArrayList<>();
        for (int i = 0; i < acc.length; i++) h.add(new EpochMetrics(i, 1, acc[i], Double.NaN, Double.NaN, 1e-3, 1, 10, Map.of()));
        return h;
    }

    @Test
    void aRunThatFallsFarBelowItsBestIsFlaggedAsCollapsed() {
        var w = CollapseCheck.of(trainAccuracies(0.2, 0.9, 0.6, 0.4));
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("0.400") && w.get().contains("0.900") && w.get().contains("epoch 2"), w.get());
    }

    @Test
    void aNoisyOrSlowRunIsNotFlagged() {
        assertTrue(CollapseCheck.of(trainAccuracies(0.9, 0.65)).isEmpty()); // dropped 0.25 but kept over half
        assertTrue(CollapseCheck.of(trainAccuracies(0.3, 0.12)).isEmpty());  // under half, but only 0.18 down
        assertTrue(CollapseCheck.of(trainAccuracies()).isEmpty());
    }
}
