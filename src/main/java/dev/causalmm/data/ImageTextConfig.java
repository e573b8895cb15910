package dev.causalmm.data;

/**
 * Settings of the synthetic image+text task ({@link ImageTextData}). Defaults: 4,000 train /
 * 1,000 validation / 1,000 test samples of 3×16×16 images and 12-word texts over 64 ids — sized
 * so a grid of models trains on two CPU cores in minutes.
 *
 * @param imageSize   image height and width in pixels
 * @param textLength  maximum words per text (texts have 8…textLength words, the rest padding)
 * @param vocabSize   vocabulary size, including padding (0) and blank (1); at least 32
 * @param pixelNoise  standard deviation of the per-pixel noise every image has, in 0–255 units
 * @param weakCue     probability that a modality's weak cue of the other modality's factor is right
 * @param spuriousTrain probability that the image's corner badge shows the sample's class in the
 *                    training and validation sets (otherwise a random class, which may also be
 *                    the right one); images carry no badge when both degrees are 0 (the default)
 * @param spuriousTest the same at test
 */
public record ImageTextConfig(int trainSize, int valSize, int testSize, int imageSize, int textLength, int vocabSize,
                              double pixelNoise, double weakCue, double spuriousTrain, double spuriousTest, long seed) {
    public ImageTextConfig {
        if (trainSize <= 0 || testSize <= 0 || valSize < 0) {
            throw new IllegalArgumentException("imagetext sizes: train and test must be > 0, val >= 0; got train=" + trainSize
                    + " val=" + valSize + " test=" + testSize);
        }
        if (imageSize < 8) throw new IllegalArgumentException("imagetext imageSize must be >= 8, got " + imageSize);
        long pixels = 3L * imageSize * imageSize; // one RGB image as floats, and its text as longs beside it
        HeapBudget.require("imagetext --train-size " + trainSize + " --val-size " + valSize + " --test-size " + testSize,
                Math.max(trainSize, Math.max(valSize, testSize)) * pixels, ((long) trainSize + valSize + testSize) * (pixels + 2L * textLength), Float.BYTES);
        if (textLength < 8) throw new IllegalArgumentException("imagetext textLength must be >= 8, got " + textLength);
        if (vocabSize < 32) throw new IllegalArgumentException("imagetext vocabSize must be >= 32, got " + vocabSize);
        if (!(pixelNoise >= 0 && pixelNoise < Double.POSITIVE_INFINITY)) throw new IllegalArgumentException("imagetext pixelNoise must be >= 0, got " + pixelNoise);
        if (!(weakCue >= 0 && weakCue <= 1)) throw new IllegalArgumentException("imagetext weakCue must be in [0, 1], got " + weakCue);
        for (double s : new double[] {spuriousTrain, spuriousTest}) {
            if (!(s >= 0 && s <= 1)) throw new IllegalArgumentException("imagetext spurious degree must be in [0, 1], got " + s);
        }
    }

    public static ImageTextConfig defaults(long seed) {
        return new ImageTextConfig(4_000, 1_000, 1_000, 16, 12, 64, 70, 0.75, 0, 0, seed);
    }

    public ImageTextConfig withSizes(int train, int val, int test) {
        return new ImageTextConfig(train, val, test, imageSize, textLength, vocabSize, pixelNoise, weakCue, spuriousTrain, spuriousTest, seed);
    }

    public ImageTextConfig withSeed(long s) {
        return new ImageTextConfig(trainSize, valSize, testSize, imageSize, textLength, vocabSize, pixelNoise, weakCue, spuriousTrain, spuriousTest, s);
    }

    /** With a spurious corner badge: right with probability {@code train} in training, {@code test} at test. */
    public ImageTextConfig withSpurious(double train, double test) {
        return new ImageTextConfig(trainSize, valSize, testSize, imageSize, textLength, vocabSize, pixelNoise, weakCue, train, test, seed);
    }

    /** Whether images carry the spurious badge at all. */
    public boolean hasBadge() {
        return spuriousTrain > 0 || spuriousTest > 0;
    }
}
