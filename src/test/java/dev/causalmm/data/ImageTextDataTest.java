package dev.causalmm.data;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The synthetic image+text task: layout, reproducibility, and the optional spurious badge. */
class ImageTextDataTest {
    static final int S = 16, L = 12;

    static float[][] sample(MultimodalDataset ds, int i) {
        try (Arena arena = Arena.ofConfined()) {
            SampleReader r = new SampleReader(arena, ds.modalities());
            r.read(ds, i);
            float[] img = new float[3 * S * S], txt = new float[L];
            for (int j = 0; j < img.length; j++) img[j] = r.value(0, j);
            for (int j = 0; j < L; j++) txt[j] = r.value(1, j);
            return new float[][] {img, txt, {r.label()}};
        }
    }

    /** The class whose badge colour the top-right corner shows, or -1. */
    static int badge(float[] img) {
        for (int c = 0; c < 4; c++) {
            boolean all = true;
            for (int ch = 0; ch < 3 && all; ch++) {
                for (int y = 0; y < ImageTextData.BADGE && all; y++) {
                    for (int x = S - ImageTextData.BADGE; x < S && all; x++) {
                        all = img[ch * S * S + y * S + x] == ImageTextData.BADGE_COLOURS[c][ch];
                    }
                }
            }
            if (all) return c;
        }
        return -1;
    }

    @Test
    void layoutAndReproducibility() {
        ImageTextConfig cfg = ImageTextConfig.defaults(7).withSizes(300, 20, 50);
        DataSplits a = ImageTextData.generate(cfg), b = ImageTextData.generate(cfg);
        assertEquals(4, a.numClasses());
        assertEquals(ModalitySpec.Kind.IMAGE, a.modalities().get(0).kind());
        assertEquals(ModalitySpec.Kind.TOKENS, a.modalities().get(1).kind());
        int[] perClass = new int[4];
        for (int i = 0; i < 300; i++) {
            float[][] x = sample(a.train(), i), y = sample(b.train(), i);
            assertArrayEquals(x[0], y[0]);
            assertArrayEquals(x[1], y[1]);
            perClass[(int) x[2][0]]++;
            for (float v : x[0]) assertTrue(v >= 0 && v <= 255, "pixel " + v);
            int words = 0;
            boolean padding = false;
            for (float t : x[1]) {
                assertTrue(t >= 0 && t < 64 && t == Math.floor(t), "word id " + t);
                assertNotEquals(ModalitySpec.BLANK, t, "no blank words in clean data");
                if (t == ModalitySpec.PAD) padding = true;
                else {
                    assertFalse(padding, "padding only at the end");
                    words++;
                }
            }
            assertTrue(words >= 8 && words <= L, words + " words");
            assertEquals(-1, badge(x[0]), "no badge by default");
        }
        for (int c : perClass) assertTrue(c > 50, "classes are balanced: " + java.util.Arrays.toString(perClass));
        float[][] other = sample(ImageTextData.generate(cfg.withSeed(8)).train(), 0);
        assertFalse(java.util.Arrays.equals(sample(a.train(), 0)[0], other[0]), "another seed, other data");
    }

    @Test
    void theBadgeIsAShortcutInTrainingAndNotAtTest() {
        ImageTextConfig plain = ImageTextConfig.defaults(3).withSizes(400, 10, 400);
        DataSplits d = ImageTextData.generate(plain.withSpurious(1.0, 0.0));
        DataSplits p = ImageTextData.generate(plain);
        int agreeTest = 0;
        for (int i = 0; i < 400; i++) {
            float[][] x = sample(d.train(), i);
            assertEquals((int) x[2][0], badge(x[0]), "s = 1: every training badge shows the class");
            float[][] t = sample(d.test(), i);
            int shown = badge(t[0]);
            assertTrue(shown >= 0, "every test image has a badge");
            if (shown == (int) t[2][0]) agreeTest++;
            // everything but the badge is the data without badges
            float[] clean = sample(p.test(), i)[0];
            for (int j = 0; j < clean.length; j++) {
                int y = (j % (S * S)) / S, xx = j % S;
                if (y < ImageTextData.BADGE && xx >= S - ImageTextData.BADGE) continue;
                assertEquals(clean[j], t[0][j], "pixel " + j + " of test sample " + i);
            }
            assertArrayEquals(sample(p.test(), i)[1], t[1], "texts do not change");
        }
        assertEquals(0.25, agreeTest / 400.0, 0.07, "s = 0 at test: the badge shows a random class");
    }
}
