package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.eval.CorruptedDataset;
import dev.causalmm.eval.NoiseProtocol;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequencesTest {
    @Test
    void packingMovesZeroStepsBehindTheRealOnesAndMasksThem() {
        // one sample, 4 steps × 2 features: front padding, a real step, an interior zero step, a real step
        double[] v = {0, 0, 1, 2, 0, 0, 3, 4};
        float[] p = Sequences.pack(v, 1, 4, 2, true);
        assertArrayEquals(new float[] {1, 2, 1, 3, 4, 1, 0, 0, 0, 0, 0, 0}, p);
        assertEquals(2, Sequences.length(p, 0, 4, 2));
        float[] all = Sequences.pack(v, 1, 4, 2, false);
        assertEquals(4, Sequences.length(all, 0, 4, 2));
    }

    @Test
    void standardisingUsesOnlyRealStepsAndKeepsPaddingAtZero() {
        float[] p = Sequences.pack(new double[] {2, 0, 4, 0, 0, 0}, 1, 3, 2, true); // feature 1 is 0 on real steps
        double[][] stats = Sequences.standardize(p, 3, 2, p);
        assertArrayEquals(new double[] {3, 0}, stats[0], 1e-12);
        assertArrayEquals(new double[] {1, 1}, stats[1], 1e-12); // std of {2, 4}; constant feature keeps 1
        assertArrayEquals(new float[] {-1, 0, 1, 1, 0, 1, 0, 0, 0}, p);
    }

    @Test
    void aSequenceSpecStoresItsMaskAsALastChannel() {
        ModalitySpec s = ModalitySpec.sequence("audio", 20, 74);
        assertArrayEquals(new long[] {20, 75}, s.shape());
        assertEquals(20, s.steps());
        assertEquals(74, s.stepFeatures());
        assertThrows(IllegalArgumentException.class, () -> new ModalitySpec("x", new long[] {20}, ModalitySpec.Kind.SEQUENCE, 0));
        assertThrows(IllegalStateException.class, () -> ModalitySpec.vector("v", 3).steps());
    }

    /** The noise protocol reaches sequences: real steps change, the mask and the padded steps do not. */
    @Test
    void testTimeNoiseCorruptsRealStepsOnly() throws Exception {
        ArrayDataset clean = SequenceData.generate("seq", 64, 5, 3, 1);
        CorruptedDataset noisy = new CorruptedDataset(clean, new NoiseProtocol(2, 1, 0.5, 0, 0, false, new int[] {0}, 7));
        List<ModalitySpec> specs = clean.modalities();
        int w = 4, changedReal = 0;
        try (Arena arena = Arena.ofConfined()) {
            SampleReader a = new SampleReader(arena, specs), b = new SampleReader(arena, specs);
            for (int i = 0; i < clean.size(); i++) {
                a.read(clean, i);
                b.read(noisy, i);
                for (int t = 0; t < 5; t++) {
                    boolean real = a.value(0, t * w + 3) == 1;
                    assertEquals(a.value(0, t * w + 3), b.value(0, t * w + 3), "mask of sample " + i + " step " + t);
                    for (int j = 0; j < 3; j++) {
                        if (!real) assertEquals(0, b.value(0, t * w + j), "padding of sample " + i + " step " + t);
                        else if (a.value(0, t * w + j) != b.value(0, t * w + j)) changedReal++;
                    }
                    for (int j = 0; j < w; j++) assertEquals(a.value(1, t * w + j), b.value(1, t * w + j), "modality 1 stays clean");
                }
            }
        }
        assertTrue(changedReal > 100, "real steps were corrupted: " + changedReal);
    }
}
