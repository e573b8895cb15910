package dev.causalmm.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.causalmm.nn.EncoderConfig;
import org.junit.jupiter.api.Test;

class TmcAnnealingTest {
    @Test
    void theKlWeightRampsOverAFixedShareOfTheRunsStepsAtAnySize() {
        try (var tmc = new TMC(new int[] {3, 3}, 3, EncoderConfig.c3rPaper(), 0, 1)) {
            for (long total : new long[] {300, 30_000}) { // a small set's run and a large one's: the same ramp
                tmc.startStep(0, total);
                assertEquals(0.0, tmc.klWeight(), 1e-12);
                tmc.startStep(total / 6, total);
                assertEquals(0.5, tmc.klWeight(), 1e-12);
                tmc.startStep(total / 3, total);
                assertEquals(1.0, tmc.klWeight(), 1e-12);
                tmc.startStep(total - 1, total);
                assertEquals(1.0, tmc.klWeight(), 1e-12);
            }
        }
    }

    @Test
    void aPositiveEpochCountKeepsTheEpochRamp() {
        try (var tmc = new TMC(new int[] {3, 3}, 3, EncoderConfig.c3rPaper(), 10, 1)) {
            tmc.startEpoch(3);
            tmc.startStep(999, 1000); // the trainer's steps do not override an explicit epoch ramp
            assertEquals(0.3, tmc.klWeight(), 1e-12);
        }
    }
}
