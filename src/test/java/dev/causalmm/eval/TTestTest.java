package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Reference values from SciPy 1.x {@code scipy.stats.ttest_ind}. */
class TTestTest {
    @Test
    void matchesScipy() {
        double[] a = {0.861, 0.855, 0.859, 0.862, 0.857};
        double[] b = {0.851, 0.853, 0.850, 0.856, 0.849};
        TTest.Result s = TTest.student(a, b);
        assertEquals(3.9254050786444346, s.t(), 1e-9);
        assertEquals(8, s.df());
        assertEquals(0.004384925586189654, s.p(), 1e-9);
        assertEquals(0.00439346301250145, TTest.welch(a, b).p(), 1e-9);
        double[] c = {1.0, 2.0, 3.5, 4.0};
        double[] d = {2.0, 5.0, 6.5, 9.0, 11.0};
        assertEquals(0.06590110674559631, TTest.student(c, d).p(), 1e-9);
        assertEquals(0.058593995994248235, TTest.welch(c, d).p(), 1e-9);
        assertEquals(5.431630611382385, TTest.welch(c, d).df(), 1e-9);
    }

    @Test
    void identicalGroupsAndBadInput() {
        assertEquals(1.0, TTest.student(new double[] {1, 1}, new double[] {1, 1}).p());
        assertThrows(IllegalArgumentException.class, () -> TTest.student(new double[] {1}, new double[] {1, 2}));
    }
}
