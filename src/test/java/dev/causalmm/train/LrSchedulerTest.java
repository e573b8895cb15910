package dev.causalmm.train;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LrSchedulerTest {

    @Test
    void constantCosineAndWarmup() {
        assertEquals(0.1, new LrScheduler(new LrSchedule.Constant(), 0.1, 10).rateFor(7));
        LrScheduler cos = new LrScheduler(new LrSchedule.Cosine(0.0, 0), 1.0, 10);
        assertEquals(1.0, cos.rateFor(0), 1e-12);
        assertEquals(0.5, cos.rateFor(5), 1e-12);
        assertTrue(cos.rateFor(9) < 0.03);
        LrScheduler warm = new LrScheduler(new LrSchedule.Cosine(0.0, 2), 1.0, 10);
        assertEquals(1.0 / 3, warm.rateFor(0), 1e-12);
        assertEquals(1.0, warm.rateFor(2), 1e-12);
    }

    @Test
    void plateauCutsAfterPatienceAndStateRoundTrips() {
        LrScheduler p = new LrScheduler(new LrSchedule.Plateau(0.5, 1, 1e-3), 0.1, 20);
        p.observe(0.8);
        p.observe(0.7);
        assertEquals(0.1, p.rateFor(2), 1e-12);
        p.observe(0.7);
        assertEquals(0.05, p.rateFor(3), 1e-12);
        LrScheduler q = new LrScheduler(new LrSchedule.Plateau(0.5, 1, 1e-3), 0.1, 20);
        q.restore(p.state());
        assertEquals(0.05, q.rateFor(4), 1e-12);
        for (int i = 0; i < 50; i++) p.observe(0.1);
        assertEquals(1e-3, p.rateFor(5), 1e-12, "never below minLr");
    }

    @Test
    void badSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule.Plateau(1.5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse("linear"));
    }

    @Test
    void everyCommandLineScheduleNameReadsBackToItself() {
        for (String n : java.util.List.of("constant", "cosine", "plateau")) {
            org.junit.jupiter.api.Assertions.assertEquals(n, LrSchedule.name(LrSchedule.parse(n)));
        }
        org.junit.jupiter.api.Assertions.assertEquals(new LrSchedule.Linear(0.1).toString(), LrSchedule.name(new LrSchedule.Linear(0.1)));
    }
}
