package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.causalmm.nn.EncoderConfig;
import org.junit.jupiter.api.Test;

class TmcAnnealingTest {
    @Test
    void theKlWeightRampsOverTheFirstTenthOfTheRunsStepsAtAnySize() {
        try (var tmc = new TMC(new int[] {3, 3}, 3, EncoderConfig.c3rPaper(), 10, 1)) {
            for (long total : new long[] {200, 20_000}) { // a small set's run and a large one's: the same ramp
                tmc.startStep(0, total);
                assertEquals(0.0, tmc.klWeight(), 1e-12);
                tmc.startStep(total / 20, total);
                assertEquals(0.5, tmc.klWeight(), 1e-12);
                tmc.startStep(total / 10, total);
                assertEquals(1.0, tmc.klWeight(), 1e-12);
                tmc.startStep(total - 1, total);
                assertEquals(1.0, tmc.klWeight(), 1e-12);
            }
        }
    }

    @Test
    void withoutStepsTheWeightFollowsTheEpochsAsBefore() {
        try (var tmc = new TMC(new int[] {3, 3}, 3, EncoderConfig.c3rPaper(), 10, 1)) {
            tmc.startEpoch(3);
            assertEquals(0.3, tmc.klWeight(), 1e-12);
        }
    }
}
