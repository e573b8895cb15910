package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class MMLSynDataTest {

    @Test
    void factorsFollowTheGenerator() {
        var c = MMLSynConfig.defaults(11).withSizes(20_000, 0, 500);
        var s = MMLSynData.generate(c).train();
        int n = s.sn().length;
        int flips = 0, sn1 = 0, sfGivenSn0 = 0, sn0 = 0, ncGivenSn1 = 0;
        for (int i = 0; i < n; i++) {
            int y = s.dataset().label(i);
            if (y != (int) s.sn()[i]) flips++;
            if (s.sn()[i] == 1) {
                sn1++;
                assertEquals(1f, s.sf()[i], "sf = 1 whenever sn = 1");
                if (s.nc()[i] == 1) ncGivenSn1++;
            } else {
                sn0++;
                assertEquals(0f, s.nc()[i], "nc = 0 whenever sn = 0");
                if (s.sf()[i] == 1) sfGivenSn0++;
            }
        }
        assertEquals(0.15, (double) flips / n, 0.01, "label noise");
        assertEquals(0.5, (double) sn1 / n, 0.015);
        assertEquals(0.1, (double) sfGivenSn0 / sn0, 0.01);
        assertEquals(0.9, (double) ncGivenSn1 / sn1, 0.01);
        // the spurious block is s·sn + (1-s)·noise: its mean given sn=1 is s
        double mean = 0;
        int cnt = 0;
        for (int i = 0; i < n; i++) {
            if (s.sn()[i] == 1) {
                mean += s.sp()[i * 5];
                cnt++;
            }
        }
        assertEquals(0.7, mean / cnt, 0.03);
        assertEquals(2, s.dataset().modalities().size());
        assertEquals(20, s.dataset().modalities().get(0).elementCount());
        for (float v : s.dataset().values(0)) assertTrue(v >= 0.5f && v <= 1f, "sigmoid of a square lies in [0.5, 1]");
    }

    @Test
    void sameSeedSameDataDifferentSeedDifferentData() {
        var a = MMLSynData.generate(MMLSynConfig.defaults(5).withSizes(300, 10, 20));
        var b = MMLSynData.generate(MMLSynConfig.defaults(5).withSizes(300, 10, 20));
        var c = MMLSynData.generate(MMLSynConfig.defaults(6).withSizes(300, 10, 20));
        assertArrayEquals(a.train().dataset().values(1), b.train().dataset().values(1));
        assertArrayEquals(a.test().sn(), b.test().sn());
        assertFalse(java.util.Arrays.equals(a.train().dataset().values(1), c.train().dataset().values(1)));
    }

    @Test
    void testSplitUsesItsOwnSpuriousDegree() {
        var d = MMLSynData.generate(MMLSynConfig.defaults(3).withSizes(100, 10, 4000).withSpurious(0.7, 0.1));
        assertEquals(0.1, d.test().spurious());
        double mean = 0;
        int cnt = 0;
        for (int i = 0; i < d.test().sn().length; i++) {
            if (d.test().sn()[i] == 1) {
                mean += d.test().sp()[i * 5];
                cnt++;
            }
        }
        assertEquals(0.1, mean / cnt, 0.05);
        assertEquals(5, d.test().factor(MMLSynData.Factor.SP)[0].length);
    }

    @Test
    void factorMasksHideBlocksFromAModality() {
        var cfg = new MMLSynConfig(2000, 0, 10, 2, 5, 0.7, 0.1, 0.3, 1,
                List.of(EnumSet.of(MMLSynData.Factor.SP), EnumSet.allOf(MMLSynData.Factor.class)));
        var s = MMLSynData.generate(cfg).train();
        // modality 0 sees only SP; its features must not depend on SF beyond what SP carries:
        // compare mean feature value between sn=1 and sn=0 for modality 0 vs modality 1
        assertTrue(gap(s, 0) < gap(s, 1), "modality with all factors separates sn better");
    }

    private static double gap(MMLSynData.Split s, int k) {
        float[] v = s.dataset().values(k);
        double a = 0, b = 0;
        int na = 0, nb = 0;
        for (int i = 0; i < s.sn().length; i++) {
            double row = 0;
            for (int j = 0; j < 20; j++) row += Math.abs(v[i * 20 + j] - 0.5);
            if (s.sn()[i] == 1) { a += row; na++; } else { b += row; nb++; }
        }
        return Math.abs(a / na - b / nb);
    }

    @Test
    void orthogonalMixingIsOrthogonal() {
        double[][] q = MMLSynData.randomOrthogonal(20, new java.util.Random(1));
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                double dot = 0;
                for (int r = 0; r < 20; r++) dot += q[r][i] * q[r][j];
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-9);
            }
        }
    }

    @Test
    void invalidConfigIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> MMLSynConfig.defaults(1).withSpurious(1.5, 0.1));
        assertTrue(e.getMessage().contains("spurious"));
        assertThrows(IllegalArgumentException.class, () -> MMLSynConfig.defaults(1).withSizes(0, 1, 1));
    }
}
