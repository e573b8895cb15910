package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DistanceCorrelationTest {

    @Test
    void identicalIsOneIndependentIsNearZero() {
        Random r = new Random(1);
        int n = 2000;
        double[][] x = new double[n][3];
        double[][] y = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) x[i][j] = r.nextGaussian();
            for (int j = 0; j < 2; j++) y[i][j] = r.nextGaussian();
        }
        assertEquals(1.0, DistanceCorrelation.of(x, x), 1e-12);
        double[][] scaled = new double[n][3];
        for (int i = 0; i < n; i++) for (int j = 0; j < 3; j++) scaled[i][j] = 3 * x[i][j] + 1;
        assertEquals(1.0, DistanceCorrelation.of(x, scaled), 1e-12, "invariant to scale and shift");
        double indep = DistanceCorrelation.of(x, y);
        // the sample statistic is biased upwards by O(n^-1/2): about 0.08 at n = 2000
        assertTrue(indep < 0.1, "independent samples: " + indep);
        double[][] dependent = new double[n][1];
        for (int i = 0; i < n; i++) dependent[i][0] = x[i][0] * x[i][0] + 0.1 * r.nextGaussian();
        double dep = DistanceCorrelation.of(x, dependent);
        assertTrue(dep > 0.3, "a non-linear dependence (uncorrelated in Pearson's sense) is detected: " + dep);
    }

    @Test
    void matchesAReferenceValue() {
        // reference computed with a NumPy implementation of the same (biased, V-statistic) estimator
        double[][] x = {{1.0, 0.5}, {2.0, -1.0}, {3.0, 0.0}, {4.5, 2.0}, {0.0, 1.0}, {-1.0, -2.0}};
        double[][] y = {{1.0}, {4.0}, {9.0}, {20.0}, {0.5}, {1.5}};
        assertEquals(0.9096929131552247, DistanceCorrelation.of(x, y), 1e-12);
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DistanceCorrelation.of(new double[3][1], new double[4][1]));
        assertEquals(0.0, DistanceCorrelation.of(new double[][] {{1}, {1}, {1}}, new double[][] {{1}, {2}, {3}}));
    }
}
