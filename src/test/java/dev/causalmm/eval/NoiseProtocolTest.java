package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import org.junit.jupiter.api.Test;

class NoiseProtocolTest {
    static final ArrayDataset DATA = MMLSynData.generate(MMLSynConfig.defaults(4).withSizes(10_000, 0, 10)).train().dataset();

    @Test
    void halfOfTheSamplesPerModalityIndependently() {
        NoiseProtocol p = NoiseProtocol.of(5, 7);
        int n = 10_000, m0 = 0, m1 = 0, both = 0;
        for (int i = 0; i < n; i++) {
            boolean a = p.corrupts(i, 0), b = p.corrupts(i, 1);
            if (a) m0++;
            if (b) m1++;
            if (a && b) both++;
        }
        assertEquals(0.5, m0 / (double) n, 0.02);
        assertEquals(0.5, m1 / (double) n, 0.02);
        assertEquals(0.25, both / (double) n, 0.02, "modalities are corrupted independently");
        assertFalse(NoiseProtocol.of(0, 7).corrupts(3, 0), "ε = 0 corrupts nothing");
        assertFalse(p.onModalities(1).corrupts(findCorrupted(p, 0), 0), "only the chosen modalities");
    }

    private static int findCorrupted(NoiseProtocol p, int m) {
        for (int i = 0; ; i++) if (p.corrupts(i, m)) return i;
    }


    @Test
    void corruptionIsReproducibleAndLeavesCleanSamplesAlone() {
        NoiseProtocol p = NoiseProtocol.of(5, 11);
        CorruptedDataset a = new CorruptedDataset(DATA, p), b = new CorruptedDataset(DATA, p);
        CorruptedDataset other = new CorruptedDataset(DATA, NoiseProtocol.of(5, 12));
        int hit = findCorrupted(p, 0);
        assertArrayEquals(Rows.row(a, hit, 0), Rows.row(b, hit, 0), "same seed, same noise");
        assertFalse(java.util.Arrays.equals(Rows.row(DATA, hit, 0), Rows.row(a, hit, 0)), "a corrupted sample changes");
        int clean = 0;
        while (p.corrupts(clean, 1)) clean++;
        assertArrayEquals(Rows.row(DATA, clean, 1), Rows.row(a, clean, 1), "an uncorrupted modality is untouched");
        assertArrayEquals(Rows.row(DATA, hit, 0), Rows.row(new CorruptedDataset(DATA, NoiseProtocol.of(0, 11)), hit, 0), "ε = 0 is the identity");
        boolean differs = false;
        for (int i = 0; i < 50 && !differs; i++) differs = !java.util.Arrays.equals(Rows.row(a, i, 0), Rows.row(other, i, 0));
        assertTrue(differs, "another seed, other noise");
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NoiseProtocol.of(-1, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> new CorruptedDataset(DATA, NoiseProtocol.of(1, 0).onModalities(3)));
        assertTrue(e.getMessage().contains("modality 3"), e.getMessage());
    }
}
