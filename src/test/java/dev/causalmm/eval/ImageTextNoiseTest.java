package dev.causalmm.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.causalmm.data.ArrayDataset;
import dev.causalmm.data.ModalitySpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §6.1 for images (shared-channel pixel noise, clipping, qmfCompat) and texts (word blanking). */
class ImageTextNoiseTest {
    static final int N = 2_000, S = 8, L = 10;

    /** Mid-grey 3×8×8 images (value 128) and 10-word texts (ids 2…11, last two padded). */
    static ArrayDataset data(float grey) {
        float[] img = new float[N * 3 * S * S];
        java.util.Arrays.fill(img, grey);
        float[] txt = new float[N * L];
        for (int i = 0; i < N; i++) for (int j = 0; j < L - 2; j++) txt[i * L + j] = 2 + j;
        return new ArrayDataset("toy", List.of(ModalitySpec.image("img", 3, S, S), ModalitySpec.tokens("txt", L, 16)),
                new float[][] {img, txt}, new int[N], null, 2);
    }


    @Test
    void pixelNoiseIsOnePlaneSharedByTheChannelsWithSigmaTenEps() {
        ArrayDataset clean = data(128);
        NoiseProtocol p = NoiseProtocol.of(2, 5); // σ = 20 pixels: far from the clip bounds
        CorruptedDataset noisy = new CorruptedDataset(clean, p);
        double sum = 0, sq = 0;
        long count = 0;
        int corrupted = 0;
        for (int i = 0; i < N; i++) {
            float[] v = Rows.row(noisy, i, 0);
            if (!p.corrupts(i, 0)) {
                assertArrayEquals(Rows.row(clean, i, 0), v, "an uncorrupted image is untouched");
                continue;
            }
            corrupted++;
            for (int j = 0; j < S * S; j++) {
                assertEquals(v[j], v[S * S + j], "channel 1 gets channel 0's noise");
                assertEquals(v[j], v[2 * S * S + j], "channel 2 gets channel 0's noise");
                double d = v[j] - 128;
                sum += d;
                sq += d * d;
                count++;
            }
        }
        assertEquals(0.5, corrupted / (double) N, 0.03);
        double mean = sum / count, sd = Math.sqrt(sq / count - mean * mean);
        assertEquals(0, mean, 0.5);
        assertEquals(20, sd, 0.5, "σ = 10·ε pixels");
        assertNotEquals(Rows.row(noisy, firstCorrupted(p, 0), 0)[0], Rows.row(noisy, secondCorrupted(p, 0), 0)[0], "fresh noise per image");
    }

    @Test
    void pixelsAreClippedToTheImageRange() {
        CorruptedDataset noisy = new CorruptedDataset(data(250), NoiseProtocol.of(10, 3));
        CorruptedDataset dark = new CorruptedDataset(data(5), NoiseProtocol.of(10, 3));
        for (int i = 0; i < 200; i++) {
            for (float v : Rows.row(noisy, i, 0)) assertTrue(v >= 0 && v <= 255, "pixel " + v);
            for (float v : Rows.row(dark, i, 0)) assertTrue(v >= 0 && v <= 255, "pixel " + v);
        }
    }

    @Test
    void qmfCompatUsesOneFieldAndWrapsNegativesAround() {
        NoiseProtocol p = NoiseProtocol.of(10, 3).withQmfCompat(true);
        CorruptedDataset noisy = new CorruptedDataset(data(5), p);
        float[] a = Rows.row(noisy, firstCorrupted(p, 0), 0), b = Rows.row(noisy, secondCorrupted(p, 0), 0);
        assertArrayEquals(a, b, "every corrupted image gets the same field");
        boolean wrapped = false;
        for (float v : a) {
            assertEquals(Math.floor(v), v, "uint8 pixels are integers");
            wrapped |= v > 128; // 5 + noise < 0 wraps to ≥ 156, 5 + noise > 128 needs a 4σ draw
        }
        assertTrue(wrapped, "negative values wrap around");
        assertEquals(253, CorruptedDataset.uint8Cast(-3.7f));
        assertEquals(255, CorruptedDataset.uint8Cast(300f));
        assertEquals(7, CorruptedDataset.uint8Cast(7.9f));
        // without qmfCompat: nearest byte value, clipped
        assertEquals(0, CorruptedDataset.quantise(-3.7f));
        assertEquals(255, CorruptedDataset.quantise(300f));
        assertEquals(8, CorruptedDataset.quantise(7.6f));
    }

    @Test
    void wordBlankingReplacesAFractionOfTheWordsAndKeepsPadding() {
        ArrayDataset clean = data(128);
        for (double eps : new double[] {3, 5, 10}) {
            NoiseProtocol p = NoiseProtocol.of(eps, 9);
            CorruptedDataset noisy = new CorruptedDataset(clean, p);
            long words = 0, blanks = 0;
            for (int i = 0; i < N; i++) {
                float[] t = Rows.row(noisy, i, 1);
                assertEquals(0f, t[L - 1], "padding stays padding");
                assertEquals(0f, t[L - 2]);
                if (!p.corrupts(i, 1)) {
                    assertArrayEquals(Rows.row(clean, i, 1), t);
                    continue;
                }
                for (int j = 0; j < L - 2; j++) {
                    words++;
                    if (t[j] == ModalitySpec.BLANK) blanks++;
                    else assertEquals(2 + j, t[j], "a word is either kept or blanked");
                }
            }
            assertEquals(Math.min(1, 0.1 * eps), blanks / (double) words, 0.02, "blank fraction at ε = " + eps);
        }
        assertArrayEquals(Rows.row(clean, 4, 1), Rows.row(new CorruptedDataset(clean, NoiseProtocol.of(0, 9)), 4, 1), "ε = 0 is the identity");
    }

    @Test
    void imageAndTextAreCorruptedIndependentlyAndReproducibly() {
        NoiseProtocol p = NoiseProtocol.of(5, 21);
        int both = 0, img = 0, txt = 0, n = 10_000;
        for (int i = 0; i < n; i++) {
            boolean a = p.corrupts(i, 0), b = p.corrupts(i, 1);
            img += a ? 1 : 0;
            txt += b ? 1 : 0;
            both += a && b ? 1 : 0;
        }
        assertEquals(0.5, img / (double) n, 0.02);
        assertEquals(0.5, txt / (double) n, 0.02);
        assertEquals(0.25, both / (double) n, 0.02);
        int i = firstCorrupted(p, 0);
        assertArrayEquals(Rows.row(new CorruptedDataset(data(128), p), i, 0), Rows.row(new CorruptedDataset(data(128), p), i, 0));
    }

    static int firstCorrupted(NoiseProtocol p, int m) {
        for (int i = 0; ; i++) if (p.corrupts(i, m)) return i;
    }

    static int secondCorrupted(NoiseProtocol p, int m) {
        for (int i = firstCorrupted(p, m) + 1; ; i++) if (p.corrupts(i, m)) return i;
    }
}
