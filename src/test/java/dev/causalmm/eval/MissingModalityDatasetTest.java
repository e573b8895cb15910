package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.MMLSynConfig;
import dev.causalmm.data.MMLSynData;
import dev.causalmm.data.SampleReader;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class MissingModalityDatasetTest {
    static final ArrayDataset DATA = MMLSynData.generate(MMLSynConfig.defaults(4).withSizes(10_000, 0, 10)).train().dataset();

    @Test
    void droppedModalitiesAreZeroedAndMaskedOthersUntouched() {
        var always = new MissingModalityDataset(DATA, new int[] {1}, 1.0, 3);
        var half = new MissingModalityDataset(DATA, new int[] {0, 1}, 0.5, 3);
        int dropped0 = 0, dropped1 = 0, both = 0;
        try (Arena arena = Arena.ofConfined()) {
            SampleReader r = new SampleReader(arena, DATA.modalities());
            for (int i = 0; i < 10_000; i++) {
                r.read(always, i);
                assertTrue(r.isMissing(1), "rate 1 drops every sample's modality 1");
                assertFalse(r.isMissing(0));
                assertEquals(0f, r.value(1, 7));
                if (i < 50) assertArrayEquals(Rows.row(DATA, i, 0), Rows.row(always, i, 0), "modality 0 untouched");
                r.read(half, i);
                boolean a = r.isMissing(0), b = r.isMissing(1);
                assertEquals(a, half.drops(i, 0));
                if (a) assertEquals(0f, r.value(0, 3));
                dropped0 += a ? 1 : 0;
                dropped1 += b ? 1 : 0;
                both += a && b ? 1 : 0;
            }
        }
        assertEquals(0.5, dropped0 / 1e4, 0.02);
        assertEquals(0.5, dropped1 / 1e4, 0.02);
        assertEquals(0.25, both / 1e4, 0.02, "independent per modality");
        var again = new MissingModalityDataset(DATA, new int[] {0, 1}, 0.5, 3);
        for (int i = 0; i < 100; i++) assertEquals(half.drops(i, 1), again.drops(i, 1), "reproducible with a seed");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MissingModalityDataset(DATA, new int[] {2}, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new MissingModalityDataset(DATA, new int[] {0}, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new MissingModalityDataset(DATA, new int[] {0}, Double.NaN, 0));
        assertTrue(new MissingModalityDataset(DATA, new int[] {1, 1}, 1, 0).drops(0, 1), "a repeated index is one modality");
        var e = assertThrows(IllegalArgumentException.class, () -> new MissingModalityDataset(DATA, new int[] {0, 1}, 1, 0));
        assertTrue(e.getMessage().contains("nothing to predict"), e.getMessage());
    }
}
