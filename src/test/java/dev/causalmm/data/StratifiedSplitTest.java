package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The one stratified splitter: a partition, per-class rounding, sorted parts, seeded. No LibTorch. */
class StratifiedSplitTest {

    private static int[] labels(int... perClass) {
        return IntStream.range(0, perClass.length).flatMap(c -> IntStream.range(0, perClass[c]).map(i -> c)).toArray();
    }

    @Test
    void partsPartitionTheRowsWithRoundedSharesPerClass() {
        int[] y = labels(10, 30);
        int[][] p = StratifiedSplit.split(y, 2, new double[] {0.5, 0.25, 0.25}, 7L);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(p[0]), Arrays.stream(p[1])), Arrays.stream(p[2])).sorted().toArray();
        assertArrayEquals(IntStream.range(0, y.length).toArray(), all);
        // class 0: round(2.5) = 3 test, 3 val, 4 train; class 1: round(7.5) = 8, 8, 14
        assertEquals(4 + 14, p[0].length);
        assertEquals(3 + 8, p[1].length);
        assertEquals(3 + 8, p[2].length);
        assertEquals(3, Arrays.stream(p[2]).filter(i -> y[i] == 0).count());
        for (int[] part : p) assertArrayEquals(Arrays.stream(part).sorted().toArray(), part);
    }

    @Test
    void sharesOverTheClassSizeShrinkValidationFirst() {
        int[][] p = StratifiedSplit.split(labels(3), 1, new double[] {0, 0.5, 0.5}, 1L);
        assertEquals(2, p[2].length); // round(1.5)
        assertEquals(1, p[1].length); // round(1.5) = 2 cut to what is left
        assertEquals(0, p[0].length);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        int[] y = labels(20, 20);
        double[] r = {0.6, 0.2, 0.2};
        assertArrayEquals(StratifiedSplit.split(y, 2, r, 3L)[2], StratifiedSplit.split(y, 2, r, 3L)[2]);
        assertFalse(Arrays.equals(StratifiedSplit.split(y, 2, r, 3L)[2], StratifiedSplit.split(y, 2, r, 4L)[2]));
    }

    /** Pinned from FeatureFileDatasets' rule before it moved here: published feature-file results depend on it. */
    @Test
    void featureFileRuleIsKeptBitForBit() {
        int[][] p = StratifiedSplit.split(labels(5, 5), 2, new double[] {0.6, 0.2, 0.2}, 0L);
        assertEquals(PINNED, Arrays.deepToString(p));
    }

    private static final String PINNED = "[[0, 1, 3, 5, 6, 7], [2, 9], [4, 8]]";
}
