package dev.causalmm.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic image+text classification task whose label needs both modalities, standing in for
 * Food-101/MVSA-style data on machines without them. Two binary factors {@code a} and {@code b}
 * give four classes {@code y = 2a + b}:
 * <ul>
 *   <li>the image (3×S×S, pixels 0–255, grey background with per-pixel noise) shows a bright square
 *       in the top-left ({@code a = 0}) or bottom-right ({@code a = 1}) quarter, jittered; its tint
 *       (red or blue) is a weak cue of {@code b}, right with probability {@code weakCue};</li>
 *   <li>the text (8…L words, then padding) holds an indicator word of {@code b} among distractors
 *       and one word that is a weak cue of {@code a} (right with probability {@code weakCue});
 *       a quarter of the texts also hold an indicator of the other {@code b}.</li>
 * </ul>
 * When either spurious degree is above 0 every image also carries a corner badge coloured by the
 * class with probability {@code spuriousTrain} in training and validation and {@code spuriousTest}
 * at test (by a random class otherwise):
 * a shortcut that is reliable in training and not at test, like MMLSynData's spurious factor.
 * With the defaults (no badge) the image alone allows about 0.75 accuracy (a, and b from the
 * tint), the text alone about 0.66 (b unless ambiguous, a from the hint), both together about
 * 0.93 — so corrupting either modality at test time (spec §6.1) costs accuracy, and a model that
 * keeps the other modality's weak cue degrades more gracefully.
 */
public final class ImageTextData {
    /** Word ids: 2–9 say b = 0, 10–17 say b = 1, 18–21 hint a = 0, 22–25 hint a = 1, the rest are distractors. */
    static final int B0 = 2, B1 = 10, A0 = 18, A1 = 22, DISTRACTORS = 26;
    /** Brightness of the square over the background, and the extra of its tint channel (0–255 units). */
    static final double CONTRAST = 45, TINT = 30;
    /** Side of the spurious badge and its colour per class (RGB, 0–255). */
    static final int BADGE = 3;
    static final float[][] BADGE_COLOURS = {{255, 40, 40}, {40, 255, 40}, {40, 40, 255}, {255, 255, 40}};
    /** Share of texts holding an indicator word of each b. */
    static final double CONFUSING_TEXT = 0.25;

    private ImageTextData() {}

    public static List<ModalitySpec> modalities(ImageTextConfig c) {
        return List.of(ModalitySpec.image("image", 3, c.imageSize(), c.imageSize()),
                ModalitySpec.tokens("text", c.textLength(), c.vocabSize()));
    }

    /** Train, validation and test sets from independent streams of one seed. */
    public static DataSplits generate(ImageTextConfig c) {
        SplittableRandom root = new SplittableRandom(c.seed() * 0x9E3779B97F4A7C15L + 17);
        // the badges come from a stream of their own, so adding them leaves every other value as it was
        long badges = c.seed() * 0xBF58476D1CE4E5B9L + 29;
        return new DataSplits("imagetext", split("imagetext-train", c, c.trainSize(), c.spuriousTrain(), root.split(), badges + 1),
                split("imagetext-val", c, c.valSize(), c.spuriousTrain(), root.split(), badges + 2),
                split("imagetext-test", c, c.testSize(), c.spuriousTest(), root.split(), badges + 3), null);
    }

    static ArrayDataset split(String name, ImageTextConfig c, int n, double spurious, SplittableRandom r, long badgeSeed) {
        SplittableRandom badgeRandom = new SplittableRandom(badgeSeed);
        int s = c.imageSize(), l = c.textLength();
        int plane = s * s;
        float[] images = new float[n * 3 * plane];
        float[] texts = new float[n * l];
        int[] labels = new int[n];
        int side = Math.max(3, s * 3 / 8);
        for (int i = 0; i < n; i++) {
            int a = r.nextInt(2), b = r.nextInt(2);
            labels[i] = 2 * a + b;
            // image: grey + noise, a bright square in the quarter a, tinted by a weak cue of b
            int base = i * 3 * plane;
            for (int p = 0; p < 3 * plane; p++) images[base + p] = (float) (128 + c.pixelNoise() * Gaussian.draw(r));
            int half = s / 2;
            int x0 = (a == 0 ? 0 : half) + r.nextInt(half - side + 1), y0 = (a == 0 ? 0 : half) + r.nextInt(half - side + 1);
            int tint = r.nextDouble() < c.weakCue() ? b : 1 - b;
            for (int ch = 0; ch < 3; ch++) {
                double add = CONTRAST + (ch == (tint == 1 ? 0 : 2) ? TINT : 0);
                for (int y = y0; y < y0 + side; y++) {
                    for (int x = x0; x < x0 + side; x++) images[base + ch * plane + y * s + x] += (float) add;
                }
            }
            for (int p = 0; p < 3 * plane; p++) images[base + p] = Math.clamp(Math.round(images[base + p]), 0, 255); // 8-bit pixels
            if (c.hasBadge()) {
                // the spurious badge: a 3×3 patch in the free top-right corner, coloured by the class
                // with probability `spurious`, by a random class otherwise
                int shown = badgeRandom.nextDouble() < spurious ? labels[i] : badgeRandom.nextInt(4);
                for (int ch = 0; ch < 3; ch++) {
                    for (int y = 0; y < BADGE; y++) {
                        for (int x = s - BADGE; x < s; x++) images[base + ch * plane + y * s + x] = BADGE_COLOURS[shown][ch];
                    }
                }
            }
            // text: 8…L words; one says b (a quarter of texts add one saying the other b), one hints a,
            // the rest are distractors; shuffled
            int words = 8 + r.nextInt(l - 7);
            int[] t = new int[words];
            t[0] = (b == 0 ? B0 : B1) + r.nextInt(8);
            // a quarter of the texts also hold an indicator of the other b: ambiguous on their own
            t[1] = r.nextDouble() < CONFUSING_TEXT ? (b == 0 ? B1 : B0) + r.nextInt(8) : DISTRACTORS + r.nextInt(c.vocabSize() - DISTRACTORS);
            int hint = r.nextDouble() < c.weakCue() ? a : 1 - a;
            t[2] = (hint == 0 ? A0 : A1) + r.nextInt(4);
            for (int w = 3; w < words; w++) t[w] = DISTRACTORS + r.nextInt(c.vocabSize() - DISTRACTORS);
            for (int w = words - 1; w > 0; w--) {
                int j = r.nextInt(w + 1);
                int tmp = t[w];
                t[w] = t[j];
                t[j] = tmp;
            }
            for (int w = 0; w < words; w++) texts[i * l + w] = t[w];
            // the rest stays 0 = padding
        }
        return new ArrayDataset(name, modalities(c), new float[][] {images, texts}, labels, null, 4);
    }
}
